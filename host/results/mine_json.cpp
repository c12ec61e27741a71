#include <nlohmann/json.hpp>

#include "results/json_parts.hpp"

#include "results/mine_record.hpp"

namespace hashflop::results {

std::string format_json(const MineRecord& record) {
  using nlohmann::json;
  const auto& r = record.result;
  json found = json::array();
  for (const auto& f : r.found) found.push_back({{"nonce", f.nonce}, {"hash", f.hash_hex}});
  json settings = json::object();
  for (const auto& [k, v] : r.settings) settings[k] = json_parts::number_or_text(v);
  const json out = {{"device", r.device},
                    {"variant", r.variant},
                    {"header", record.header},
                    {"start", r.start},
                    {"count", r.count},
                    {"nonces_tried", r.nonces_tried},
                    {"seconds", r.seconds},
                    {"hashes_per_second", r.hashes_per_second()},
                    {"rate_meaningful", r.rate_is_meaningful()},
                    {"target", record.target},
                    {"found", found},
                    {"found_count", r.found_count},
                    {"candidates", r.candidates},
                    {"mismatches", r.mismatches},
                    {"settings", settings},
                    {"interrupted", record.interrupted}};
  return out.dump(2) + "\n";
}

}  // namespace hashflop::results
