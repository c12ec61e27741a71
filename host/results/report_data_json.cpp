// report-data.json (results/report_data.hpp) as JSON.
#include <nlohmann/json.hpp>

#include "results/json_parts.hpp"
#include "results/report_data.hpp"

namespace hashflop::results {
using nlohmann::json;

namespace {

json pairs(const std::vector<std::pair<double, double>>& points) {
  json out = json::array();
  for (const auto& [a, b] : points) out.push_back({a, b});
  return out;
}

json run_json(const PlotRun& r) {
  return {{"name", r.name},
          {"workload", to_string(r.workload)},
          {"trace", pairs(r.trace)},
          {"windows", pairs(r.windows)},
          {"avg_watts", json_parts::opt(r.avg_watts)},
          {"assumed", r.assumed}};
}

json device_json(const PlotDevice& d) {
  json runs = json::array(), flops = json::array(), tokens = json::array();
  for (const auto& r : d.runs) runs.push_back(run_json(r));
  for (const auto& g : d.gemm) {
    flops.push_back({{"name", g.name},
                     {"dtype", g.dtype},
                     {"flops_per_second", g.flops_per_second},
                     {"flops_per_joule", json_parts::opt(g.flops_per_joule)},
                     {"assumed", g.assumed}});
  }
  for (const auto& t : d.tokens) {
    tokens.push_back({{"model", t.model},
                      {"phase", t.phase},
                      {"variant", t.variant},
                      {"batch", t.batch},
                      {"tokens_per_joule", json_parts::opt(t.tokens_per_joule)},
                      {"usd_per_kwh", json_parts::opt(t.usd_per_kwh)},
                      {"mining_tokens_per_joule", json_parts::opt(t.mining_tokens_per_joule)},
                      {"assumed", t.assumed}});
  }
  json site = json::array();
  for (const auto& r : d.site) {
    site.push_back({{"use", r.use},
                    {"name", r.name},
                    {"energy", r.energy},
                    {"revenue_usd_per_year", r.revenue_usd_per_year},
                    {"margin_usd_per_year", r.margin_usd_per_year}});
  }
  return {{"label", d.label},
          {"site", site},
          {"tokens", tokens},
          {"short_label", d.short_label},
          {"cpu", d.cpu},
          {"assumed", d.assumed},
          {"runs", runs},
          {"j_per_th", json_parts::opt(d.j_per_th)},
          {"hashes_per_joule", json_parts::opt(d.hashes_per_joule)},
          {"gemm", flops},
          {"mining_usd_per_kwh", json_parts::opt(d.mining_usd_per_kwh)},
          {"ai_usd_per_kwh", json_parts::opt(d.ai_usd_per_kwh)},
          {"electricity_usd_per_kwh", json_parts::opt(d.electricity_usd_per_kwh)}};
}

}  // namespace

std::string report_data_text(const ReportData& data) {
  json asics = json::array(), devices = json::array();
  for (const auto& a : data.asics) asics.push_back({{"model", a.model}, {"j_per_th", a.j_per_th}});
  for (const auto& d : data.devices) devices.push_back(device_json(d));
  json references = json::array();
  for (const auto& r : data.references) {
    references.push_back(
        {{"name", r.name}, {"usd_per_mw_year", r.usd_per_mw_year}, {"deal", r.deal}});
  }
  const json doc = {{"schema", "hashflop/report-data/v1"},
                    {"market", data.market},
                    {"electricity_usd_per_kwh", data.electricity_usd_per_kwh},
                    {"pue", data.pue},
                    {"asics", asics},
                    {"devices", devices},
                    {"site_mw", data.site_mw},
                    {"references", references}};
  return doc.dump(1) + "\n";
}

}  // namespace hashflop::results
