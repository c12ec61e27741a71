#include "tune/wisdom.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/file_lock.hpp"
#include "results/json_parts.hpp"
#include "tune/machine_key.hpp"

namespace hashflop::tune {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool same_slot(const WisdomEntry& a, const WisdomEntry& b) {
  return a.workload == b.workload && a.problem == b.problem && a.key == b.key;
}

}  // namespace

fs::path default_wisdom_path() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return fs::path(xdg) / "hashflop" / "wisdom.json";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0')
    return fs::path(home) / ".cache" / "hashflop" / "wisdom.json";
  return {};
}

json wisdom_to_json(const std::vector<WisdomEntry>& entries) {
  json list = json::array();
  for (const auto& e : entries) {
    list.push_back({{"workload", e.workload},
                    {"problem", e.problem},
                    {"key", e.key},
                    {"selection", results::to_json(e.selection)}});
  }
  return {{"schema", wisdom_schema}, {"entries", list}};
}

std::vector<WisdomEntry> wisdom_from_json(const json& j, const fs::path& path,
                                          std::string* skipped) {
  return convert_input(path, [&] {
    if (!j.is_object()) throw Error("not a JSON object");
    const auto schema = j.at("schema").get<std::string>();
    if (schema != wisdom_schema)
      throw Error(fmt::format("schema \"{}\", expected \"{}\"", schema, wisdom_schema));
    std::vector<WisdomEntry> entries;
    const auto& list = j.at("entries");
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& e = list.at(i);
      try {
        WisdomEntry entry;
        entry.workload = e.at("workload").get<std::string>();
        entry.problem = e.at("problem").get<std::string>();
        entry.key = e.at("key");
        if (!entry.key.is_object()) throw Error("its \"key\" is not an object");
        entry.selection = results::selection_from_json(e.at("selection"));
        entries.push_back(std::move(entry));
      } catch (const std::exception& x) {
        // One entry out of range (a negative or 1e308 rate) costs that slot a recalibration,
        // not every other slot its answer.
        if (skipped == nullptr) throw;
        if (skipped->empty()) *skipped = fmt::format("entries[{}]: {}", i, x.what());
      }
    }
    return entries;
  });
}

Wisdom Wisdom::load(const fs::path& path) {
  Wisdom w;
  w.path_ = path;
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec)) return w;
  try {
    std::string skipped;
    w.entries_ = wisdom_from_json(read_json_file(path, "wisdom file"), path, &skipped);
    if (!skipped.empty()) {
      w.warning_ = fmt::format("warning: ignoring a wisdom entry of {}: {} (it is measured again)",
                               path.string(), skipped);
    }
  } catch (const std::exception& e) {
    w.readable_ = false;
    w.warning_ =
        fmt::format("warning: ignoring the wisdom file: {} (it will be rewritten)", e.what());
  }
  return w;
}

std::optional<results::Selection> Wisdom::find(std::string_view workload, std::string_view problem,
                                               const json& key, std::string* stale) const {
  std::string why;
  for (const auto& e : entries_) {
    if (e.workload != workload || e.problem != problem) continue;
    if (e.key == key) return e.selection;
    // An entry for another thread count is another slot, not a stale one: nothing to say.
    auto other = e.key;
    if (other.is_object() && key.contains("threads")) other["threads"] = key["threads"];
    if (why.empty() && other != key) why = key_difference(key, e.key);
  }
  if (stale != nullptr) *stale = why;
  return std::nullopt;
}

std::string Wisdom::store(WisdomEntry entry) {
  const auto merge = [&] {
    std::erase_if(entries_, [&](const WisdomEntry& e) { return same_slot(e, entry); });
    entries_.push_back(entry);
    if (entries_.size() > max_wisdom_entries)
      entries_.erase(
          entries_.begin(),
          entries_.begin() + static_cast<std::ptrdiff_t>(entries_.size() - max_wisdom_entries));
  };
  if (path_.empty()) {
    merge();
    return "warning: no wisdom file: neither XDG_CACHE_HOME nor HOME is set";
  }
  try {
    std::error_code ec;
    if (path_.has_parent_path()) fs::create_directories(path_.parent_path(), ec);
    // Held from the re-read to the rename: another process (an mpirun sibling, a second `tune`)
    // that stores meanwhile waits, so neither loses what the other wrote.
    const FileLock lock(fs::path(path_.string() + ".lock"));
    // Merge into what is on disk now, unless that is unreadable: then it is rebuilt from memory.
    if (auto fresh = load(path_); fresh.readable_) entries_ = std::move(fresh.entries_);
    merge();
    results::write_atomically(path_, wisdom_to_json(entries_).dump(1) + "\n");
  } catch (const std::exception& e) {
    merge();
    return fmt::format("warning: cannot save the wisdom file: {}", e.what());
  }
  return {};
}

void store_choice(Wisdom& wisdom, WisdomEntry entry, const TuneSettings& settings) {
  const auto warning = wisdom.store(std::move(entry));
  if (warning.empty()) return;
  settings.say(warning);
  if (settings.unsaved) settings.unsaved(warning);
}

}  // namespace hashflop::tune
