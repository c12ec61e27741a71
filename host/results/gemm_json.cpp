#include <nlohmann/json.hpp>

#include "results/json_parts.hpp"

#include "results/gemm_record.hpp"

namespace hashflop::results {
namespace {

using nlohmann::json;

json run_json(const gemm::GemmRunResult& r) {
  json j = {{"impl", r.impl},
            {"variant", r.variant},
            {"device", r.device},
            {"dtype", r.dtype},
            {"m", r.shape.m},
            {"n", r.shape.n},
            {"k", r.shape.k},
            {"threads", r.threads},
            {"seconds", r.seconds},
            {"flops_per_second", r.flops_per_second},
            {"samples", r.samples},
            {"input_sets", r.input_sets},
            {"rel_error", r.rel_error},
            {"tolerance", r.tolerance},
            {"verification", to_string(r.verification)},
            {"verify_method", r.verify_method},
            {"settings", r.settings}};
  if (!r.reason.empty()) j["reason"] = r.reason;
  return j;
}

}  // namespace

std::string format_json(const GemmRecord& record) {
  json runs = json::array();
  for (const auto& row : record.rows) {
    runs.push_back(run_json(row.run));
    if (row.selection) runs.back()["selection"] = to_json(*row.selection);
  }
  const json out = {{"device", record.device},
                    {"m", record.shape.m},
                    {"n", record.shape.n},
                    {"k", record.shape.k},
                    {"alpha", record.alpha},
                    {"beta", record.beta},
                    {"runs", runs},
                    {"interrupted", record.interrupted}};
  return out.dump(2) + "\n";
}

}  // namespace hashflop::results
