// `hashflop compare BASE NEW`: a throughput regression check between two files, either
// hashflop result files or Google Benchmark JSON; with --paired, between two folders of
// interleaved Google Benchmark runs (compare/paired.hpp). It reads files only and never opens a
// device.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "compare/comparison.hpp"
#include "compare/dataset.hpp"
#include "compare/paired.hpp"
#include "compare/printers.hpp"

namespace hashflop::cli {
namespace {

struct CompareArgs {
  std::string base, candidate;
  double threshold = 5, alpha = 0.05;
  std::string metric = "both", format = "text";
  bool allow_missing = false, allow_inconclusive = false, paired = false;
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
  options.allow_inconclusive = args.allow_inconclusive;
  options.per_joule_required = args.metric == "per_joule";
  compare::Comparison result;
  if (args.paired) {
    // Google Benchmark runs carry no energy, so the default `both` means the rate here.
    if (args.metric == "both") options.per_joule = false;
    result = compare::compare_paired(compare::load_paired_side(args.base),
                                     compare::load_paired_side(args.candidate), options);
  } else {
    result = compare::compare(compare::load_dataset(args.base),
                              compare::load_dataset(args.candidate), options);
  }
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
      "Benchmark JSON (--benchmark_out); with --paired, each a folder of interleaved runs. Exit "
      "0: the gate passes; 1: a pair slower beyond the threshold with p < alpha, a slowdown too "
      "few samples could not confirm (inconclusive), or one on one side only; 2: bad input.");
  cmd->add_option("base", args->base, "the reference file (--paired: folder)")->required();
  cmd->add_option("new", args->candidate, "the candidate file (--paired: folder)")->required();
  cmd->add_flag("--paired", args->paired,
                "BASE and NEW are folders of Google Benchmark JSON, one file per run, each with "
                "its pair index in the context (--benchmark_context=hashflop_pair=N), as "
                "scripts/ci-regression.sh --base writes them; Wilcoxon signed-rank test on the "
                "per-pair log ratios");
  cmd->add_option("--threshold", args->threshold,
                  "percent change of the median below which a pair is `same` (default 5)")
      ->check(finite_number);
  cmd->add_option("--alpha", args->alpha, "significance level of the test (default 0.05)")
      ->check(finite_number);
  cmd->add_option("--metric", args->metric,
                  "rate, per_joule (result files only; exit 2 where a side lacks it) or both "
                  "(default; per_joule where present)")
      ->check(CLI::IsMember({"rate", "per_joule", "both"}));
  cmd->add_option("--format", args->format, "text (default), md (a PR comment) or json")
      ->check(CLI::IsMember({"text", "md", "json"}));
  cmd->add_flag("--allow-missing", args->allow_missing,
                "a benchmark present on one side only is not a regression");
  // --allow-underpowered: the verdict's earlier name, kept so that existing CI lines still work.
  cmd->add_flag("--allow-inconclusive,--allow-underpowered", args->allow_inconclusive,
                "a slowdown beyond the threshold that too few repetitions or pairs could not "
                "confirm (`inconclusive`) does not fail the gate (a faster one never does)");
  cmd->callback([args, &outcome] { run_compare(*args, outcome); });
}

}  // namespace hashflop::cli
