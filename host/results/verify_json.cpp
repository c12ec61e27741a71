#include <nlohmann/json.hpp>

#include "results/json_parts.hpp"

#include "results/verify_record.hpp"

namespace hashflop::results {

std::size_t VerifyRecord::failed() const {
  std::size_t n = 0;
  for (const auto& c : checks) n += c.passed() ? 0 : 1;
  return n;
}

std::string format_json(const VerifyRecord& record) {
  using nlohmann::json;
  json out{{"device", record.device},
           {"device_name", record.device_name},
           {"passed", record.failed() == 0},
           {"checks", json::array()}};
  for (const auto& c : record.checks) {
    out["checks"].push_back({{"name", c.name},
                             {"passed", c.passed()},
                             {"verdict", to_string(c.verdict)},
                             {"detail", c.detail}});
  }
  return out.dump(2) + "\n";
}

}  // namespace hashflop::results
