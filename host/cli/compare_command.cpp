// `hashflop compare BASE NEW`: a throughput regression check between two files, either
// hashflop result files or Google Benchmark JSON. It reads files only and never opens a device.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "compare/comparison.hpp"
#include "compare/dataset.hpp"
#include "compare/printers.hpp"

namespace hashflop::cli {
namespace {

struct CompareArgs {
  std::string base, candidate;
  double threshold = 5, alpha = 0.05;
  std::string metric = "both", format = "text";
  bool allow_missing = false;
};

void run_compare(const CompareArgs& args, Outcome& outcome) {
  if (!(args.threshold >= 0)) throw UsageError("--threshold must be a percentage >= 0");
  if (!(args.alpha > 0 && args.alpha < 1)) throw UsageError("--alpha must be in (0, 1)");
  compare::CompareOptions options;
  options.threshold_pct = args.threshold;
  options.alpha = args.alpha;
  options.rate = args.metric != "per_joule";
  options.per_joule = args.metric != "rate";
  options.allow_missing = args.allow_missing;
  const auto base = compare::load_dataset(args.base);
  const auto candidate = compare::load_dataset(args.candidate);
  const auto result = compare::compare(base, candidate, options);
  std::string out;
  if (args.format == "md") {
    out = compare::format_markdown(result);
  } else if (args.format == "json") {
    out = compare::format_json(result);
  } else {
    out = compare::format_text(result);
  }
  std::fputs(out.c_str(), stdout);
  outcome.exit_code = result.exit_code;
}

}  // namespace

void add_compare_command(CLI::App& app, Outcome& outcome) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Throughput regression check: BASE against NEW, each a hashflop result file or Google "
      "Benchmark JSON (--benchmark_out). Exit 0: no regression; 1: a pair slower beyond the "
      "threshold with p < alpha, or present on one side only; 2: bad input.");
  cmd->add_option("base", args->base, "the reference file")->required();
  cmd->add_option("new", args->candidate, "the candidate file")->required();
  cmd->add_option("--threshold", args->threshold,
                  "percent change of the median below which a pair is `same` (default 5)")
      ->check(finite_number);
  cmd->add_option("--alpha", args->alpha,
                  "significance level of the Mann-Whitney U test (default 0.05)")
      ->check(finite_number);
  cmd->add_option("--metric", args->metric,
                  "rate, per_joule (result files only) or both (default; per_joule where "
                  "present)")
      ->check(CLI::IsMember({"rate", "per_joule", "both"}));
  cmd->add_option("--format", args->format, "text (default), md (a PR comment) or json")
      ->check(CLI::IsMember({"text", "md", "json"}));
  cmd->add_flag("--allow-missing", args->allow_missing,
                "a benchmark present on one side only is not a regression");
  cmd->callback([args, &outcome] { run_compare(*args, outcome); });
}

}  // namespace hashflop::cli
