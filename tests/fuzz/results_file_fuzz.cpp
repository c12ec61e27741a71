// Results files (hashflop/result/v1, one device or a fleet): what `hashflop report` and
// `hashflop compare` read. Loading must end in a UsageError or a Result; a loaded Result is then
// valued, reported and compared, and none of that may throw, crash or trip a sanitizer.
#include <cstdio>
#include <optional>

#include "compare_pipeline.hpp"
#include "fuzz_support.hpp"
#include "report/fleet_section.hpp"
#include "report/fleet_table.hpp"
#include "report/market.hpp"
#include "report/report.hpp"
#include "report/run_table.hpp"
#include "report/valuation.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"

namespace {

using namespace hashflop;
namespace fs = std::filesystem;

struct Fixed {
  report::Market market;
  std::optional<compare::Dataset> real;
  std::FILE* null = nullptr;
};

const Fixed& fixed() {
  static const Fixed f = [] {
    Fixed x;
    x.market = report::load_market(fs::path(HASHFLOP_SOURCE_DIR) / "results/market/2025-11.json");
    x.real = compare::load_dataset(fs::path(HASHFLOP_SOURCE_DIR) /
                                   "results/epyc-2core-cpu-20261126.json");
    x.null = std::fopen("/dev/null", "w");
    return x;
  }();
  return f;
}

void report_on(const results::Result& r, const fs::path& path) {
  const auto& f = fixed();
  std::optional<report::Valuation> v;
  // write_report's own call: JSON left in the Result (params, host, telemetry) is read here.
  if (!fuzz::expect_usage_error("value_result", [&] {
        v = convert_input(path, [&] { return report::value_result(r, path.string(), f.market); });
      })) {
    return;
  }
  try {
    const std::vector<report::Valuation> valuations{*v};
    (void)results::report_data_text(report::plot_data(f.market, valuations, {r}));
    auto doc = report::build_document(f.market, valuations, {}, "no pictures");
    report::add_fleet_section(doc, r, path.string());
    (void)report::render_markdown(doc);
    (void)report::render_html(doc);
    // The tables `run` and `recover` print for a result.
    if (r.fleet) {
      report::print_fleet(f.null, r);
    } else {
      report::print_run_table(f.null, r);
    }
    (void)results::to_json_text(r);
  } catch (const std::exception& e) {
    fuzz::finding("report of a loaded result", e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixed();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path path = fuzz::scratch_dir() / "result.json";
  fuzz::write_file(path, fuzz::as_text(data, size));
  std::optional<results::Result> r;
  if (fuzz::expect_usage_error("load_result", [&] { r = results::load_result(path); })) {
    report_on(*r, path);
  }
  fuzz::compare_file(path, fixed().real);
  return 0;
}
