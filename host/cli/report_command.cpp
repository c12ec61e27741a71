// `hashflop report`: what a device is worth mining versus doing AI, from result files and a
// market file, as Markdown and/or HTML with pictures.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "report/report.hpp"
#include "report/report_summary.hpp"

namespace hashflop::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> inputs, sets;
  std::string market, out = "report", format = "both";
  double site_mw = 1;
  bool no_plots = false;
};

void execute(const ReportArgs& a, Outcome& outcome) {
  report::ReportOptions o;
  for (const auto& i : a.inputs) o.inputs.emplace_back(i);
  o.market = a.market;
  o.sets = a.sets;
  o.out_dir = a.out;
  o.site_mw = a.site_mw;
  if (a.format != "md" && a.format != "html" && a.format != "both")
    throw UsageError(fmt::format("--format '{}': expected md, html or both", a.format));
  o.markdown = a.format != "html";
  o.html = a.format != "md";
  o.plots = !a.no_plots;
  const auto r = report::write_report(o);

  fmt::print("{}", report::format_summary(r));
  outcome.exit_code = exit_code::success;
}

}  // namespace

void add_report_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "report",
      "Write the value report: what the measured device earns per kWh mining Bitcoin versus\n"
      "renting it out for AI, what a site of N MW earns a year each way, with market inputs\n"
      "from a dated data file, sensitivity, and pictures (python3 + matplotlib).\n"
      "Example: hashflop report results/run.json --out report");
  auto a = std::make_shared<ReportArgs>();
  cmd->add_option("results", a->inputs, "hashflop/result/v1 files from `hashflop run`")->required();
  cmd->add_option("--market", a->market,
                  "Market file (default results/market/2026-03.json); replaces every input");
  cmd->add_option("--set", a->sets, "Override one market input, key=value (repeatable)");
  cmd->add_option("--site-mw", a->site_mw,
                  "Megawatts of IT power for the site lens (what a site earns in a year)")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Directory for the report files")->capture_default_str();
  cmd->add_option("--format", a->format, "md, html or both")->capture_default_str();
  cmd->add_flag("--no-plots", a->no_plots, "Do not call scripts/plot.py");
  cmd->callback([a, &outcome] { execute(*a, outcome); });
}

}  // namespace hashflop::cli
