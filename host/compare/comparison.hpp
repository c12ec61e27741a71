// Pairs two datasets and judges each pair: median change, Mann-Whitney p-value, verdict. The
// paired mode (compare/paired.hpp) fills the same result, so the printers serve both.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/median.hpp"
#include "compare/dataset.hpp"

namespace hashflop::compare {

enum class Metric { rate, per_joule };
// `inconclusive`: a change beyond the threshold that the sample sizes could not confirm at any
// outcome (their smallest attainable p-value is not below alpha), so the gate cannot tell.
enum class Change { faster, slower, same, noisy, missing, unavailable, inconclusive };
inline constexpr int change_count = 7;

const char* metric_name(Metric metric);
const char* change_name(Change verdict);

struct CompareOptions {
  double threshold_pct = 5;  ///< a change within +-threshold is `same`
  double alpha = 0.05;       ///< significance level of the Mann-Whitney test
  bool rate = true, per_joule = true;
  bool allow_missing = false;
  bool allow_inconclusive = false;  ///< a slower `inconclusive` does not fail the gate
  bool per_joule_required = false;  ///< asked for explicitly: unavailable is bad input
};

/// One side of a pair: the sample count and the median.
struct Side {
  std::size_t n = 0;
  double median = 0;
  double spread_pct = 0;  ///< robust relative spread: 1.4826 MAD / median, in percent
};

struct PairResult {
  std::string label;
  Metric metric = Metric::rate;
  std::string unit;
  std::optional<Side> base, candidate;  ///< nullopt: absent (missing) or no energy (unavailable)
  double change_pct = 0;                ///< of the medians, candidate against base
  double p = 1;
  bool exact = true;
  Change verdict = Change::same;
  bool regression = false;  ///< slower beyond the threshold, and significant
  bool fails_gate = false;  ///< a regression, or missing or inconclusive-and-slower, not allowed
  std::string note;         ///< why missing or unavailable, or a warning (few repetitions)
  /// Paired mode only: the interval of change_pct (Hodges-Lehmann, signed-rank) and the
  /// per-pair log ratios, candidate over base, by pair index.
  struct Interval {
    double low_pct = 0, high_pct = 0, confidence = 0;
  };
  std::optional<Interval> interval;
  std::vector<std::pair<long, double>> log_ratios;
  double ratio_spread_pct = 0;  ///< paired: robust spread of the per-pair ratios
};

struct Comparison {
  CompareOptions options;
  std::string base_path, candidate_path;
  Format format = Format::google_benchmark;
  bool paired = false;  ///< Wilcoxon signed-rank on per-pair ratios instead of Mann-Whitney
  std::vector<PairResult> pairs;
  std::vector<std::string> skipped;  ///< entries without measurements, both files
  int regressions = 0;               ///< pairs `slower` (significant)
  int gate_failures = 0;  ///< pairs that fail the gate: regressions, and what is not allowed
  int exit_code = 0;      ///< 1 when any pair fails the gate
};

/// 1.4826 MAD / median in percent: a standard deviation estimate that one outlier cannot move.
double robust_spread_pct(const std::vector<double>& v);

/// Judges one metric of one pair of sample sets (both non-empty).
PairResult judge(const std::vector<double>& base, const std::vector<double>& candidate,
                 const CompareOptions& options);

/// The verdict from a change, its p-value and the smallest p-value the sample sizes allow;
/// `spread_pct` (0 to ignore) turns a change smaller than the spread into `noisy`.
Change verdict_for(double change_pct, double p, double min_p, double spread_pct,
                   const CompareOptions& options);

/// A series present in one file only: verdict `missing`.
PairResult one_sided(const Series& s, Metric metric, bool in_base);

/// Sorts the pairs by name, marks what fails the gate (slower; missing, and inconclusive with
/// a slower estimate, unless allowed; never a faster one) and sets the counts and exit code.
void finish(Comparison& c);

/// Pairs by key and judges every pair. Throws UsageError when the formats differ or no series
/// is present in both files.
Comparison compare(const Dataset& base, const Dataset& candidate, const CompareOptions& options);

}  // namespace hashflop::compare
