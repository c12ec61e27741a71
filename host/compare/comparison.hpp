// Pairs two datasets and judges each pair: median change, Mann-Whitney p-value, verdict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/median.hpp"
#include "compare/dataset.hpp"

namespace hashflop::compare {

enum class Metric { rate, per_joule };
enum class Change { faster, slower, same, noisy, missing, unavailable };

const char* metric_name(Metric metric);
const char* change_name(Change verdict);

struct CompareOptions {
  double threshold_pct = 5;  ///< a change within +-threshold is `same`
  double alpha = 0.05;       ///< significance level of the Mann-Whitney test
  bool rate = true, per_joule = true;
  bool allow_missing = false;
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
  bool regression = false;
  std::string note;  ///< why missing or unavailable, or a warning (few repetitions)
};

struct Comparison {
  CompareOptions options;
  std::string base_path, candidate_path;
  Format format = Format::google_benchmark;
  std::vector<PairResult> pairs;
  std::vector<std::string> skipped;  ///< entries without measurements, both files
  int regressions = 0;
  int exit_code = 0;  ///< 1 when any pair is a regression
};

/// 1.4826 MAD / median in percent: a standard deviation estimate that one outlier cannot move.
double robust_spread_pct(const std::vector<double>& v);

/// Judges one metric of one pair of sample sets (both non-empty).
PairResult judge(const std::vector<double>& base, const std::vector<double>& candidate,
                 const CompareOptions& options);

/// Pairs by key and judges every pair. Throws UsageError when the formats differ or no series
/// is present in both files.
Comparison compare(const Dataset& base, const Dataset& candidate, const CompareOptions& options);

}  // namespace hashflop::compare
