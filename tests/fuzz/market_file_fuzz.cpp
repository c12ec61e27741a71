// The market file (hashflop/market/v1) that `hashflop report` values results with. Loading must
// end in a UsageError or a Market; a loaded Market then values a real result and renders the
// report without a throw, a crash or a sanitizer finding.
#include <optional>

#include "fuzz_support.hpp"
#include "report/report.hpp"
#include "report/valuation.hpp"
#include "results/result.hpp"

namespace {

using namespace hashflop;
namespace fs = std::filesystem;

const results::Result& real_result() {
  static const results::Result r =
      results::load_result(fs::path(HASHFLOP_SOURCE_DIR) / "results/epyc-2core-cpu-20261126.json");
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)real_result();
  // A market file names its ASIC list relative to itself, as the shipped one does.
  fs::copy_file(fs::path(HASHFLOP_SOURCE_DIR) / "results/market/asics.json",
                fuzz::scratch_dir() / "asics.json", fs::copy_options::overwrite_existing);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path path = fuzz::scratch_dir() / "market.json";
  fuzz::write_file(path, fuzz::as_text(data, size));
  std::optional<report::Market> m;
  if (!fuzz::expect_usage_error("load_market", [&] { m = report::load_market(path); })) return 0;
  // --set overrides, as `report --set` applies them.
  fuzz::expect_usage_error("--set", [&] { m->apply_override("pue=1.25"); });
  fuzz::expect_usage_error("--set", [&] { m->apply_override("difficulty=1e-300"); });
  fuzz::expect_usage_error("--set", [&] { m->apply_override("gpu_hour_price.H100=3"); });
  fuzz::expect_usage_error("--set", [&] { m->apply_override("hashprice_usd_per_ph_day=40"); });
  try {
    const auto& r = real_result();
    const std::vector<report::Valuation> valuations{report::value_result(r, "real.json", *m)};
    (void)report::hashprice_of(*m);
    (void)results::report_data_text(report::plot_data(*m, valuations, {r}));
    const auto doc = report::build_document(*m, valuations, {}, "no pictures");
    (void)report::render_markdown(doc);
    (void)report::render_html(doc);
  } catch (const std::exception& e) {
    fuzz::finding("report with a loaded market", e);
  }
  return 0;
}
