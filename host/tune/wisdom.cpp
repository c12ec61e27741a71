#include "tune/wisdom.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/file_lock.hpp"
#include "results/result.hpp"
#include "tune/machine_key.hpp"

namespace hashflop::tune {
namespace fs = std::filesystem;

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

Wisdom Wisdom::load(const fs::path& path) {
  Wisdom w;
  w.path_ = path;
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec)) return w;
  try {
    std::string skipped;
    w.entries_ = results::read_wisdom_file(path, &skipped);
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
                                               const Record& key, std::string* stale) const {
  std::string why;
  for (const auto& e : entries_) {
    if (e.workload != workload || e.problem != problem) continue;
    if (e.key == key) return e.selection;
    // An entry for another thread count is another slot, not a stale one: nothing to say.
    auto other = e.key;
    if (const auto* threads = key.find("threads")) other.set("threads", *threads);
    if (why.empty() && !(other == key)) why = results::key_difference(key, e.key);
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
    results::write_atomically(path_, results::wisdom_text(entries_));
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
