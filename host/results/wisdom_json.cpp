// The wisdom file as JSON and back (results/wisdom_file.hpp).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "results/json_parts.hpp"
#include "results/wisdom_file.hpp"

namespace hashflop::results {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<WisdomEntry> entries_from(const json& j, const fs::path& path, std::string* skipped) {
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
        const auto& key = e.at("key");
        if (!key.is_object()) throw Error("its \"key\" is not an object");
        entry.key = json_parts::record_from(key);
        entry.selection = selection_from_json(e.at("selection"));
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

std::string text_of(const Value& v) {
  if (const auto* t = v.text()) return *t;
  return json_parts::value_json(v).dump();
}

}  // namespace

std::string wisdom_text(const std::vector<WisdomEntry>& entries) {
  json list = json::array();
  for (const auto& e : entries) {
    list.push_back({{"workload", e.workload},
                    {"problem", e.problem},
                    {"key", json_parts::record_json(e.key)},
                    {"selection", to_json(e.selection)}});
  }
  const json doc = {{"schema", wisdom_schema}, {"entries", list}};
  return doc.dump(1) + "\n";
}

std::vector<WisdomEntry> read_wisdom_file(const fs::path& path, std::string* skipped) {
  return entries_from(read_json_file(path, "wisdom file"), path, skipped);
}

std::string key_difference(const Record& wanted, const Record& found) {
  for (const auto& f : wanted.fields()) {
    const auto* other = found.find(f.key);
    if (other == nullptr) return fmt::format("{} missing", f.key);
    if (!(*other == f.value))
      return fmt::format("{} {}, was {}", f.key, text_of(f.value), text_of(*other));
  }
  for (const auto& f : found.fields()) {
    if (wanted.find(f.key) == nullptr) return fmt::format("{} not expected", f.key);
  }
  return {};
}

}  // namespace hashflop::results
