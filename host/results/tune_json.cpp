#include <nlohmann/json.hpp>

#include "results/json_parts.hpp"

#include "results/tune_record.hpp"

namespace hashflop::results {

std::string format_json(const TuneRecord& record) {
  using nlohmann::json;
  json gemm = json::array();
  for (const auto& g : record.gemm) {
    gemm.push_back({{"variant", g.variant},
                    {"dtype", "fp32"},
                    {"m", g.shape.m},
                    {"n", g.shape.n},
                    {"k", g.shape.k},
                    {"selection", to_json(g.selection)}});
  }
  const json out = {{"device", record.device},
                    {"threads", record.threads ? json(*record.threads) : json(nullptr)},
                    {"workload", "sha256d"},
                    {"uncalibrated_default", record.uncalibrated},
                    {"selection", to_json(record.sha256d)},
                    {"gemm", gemm},
                    {"wisdom_file", record.wisdom_file}};
  return out.dump(2) + "\n";
}

}  // namespace hashflop::results
