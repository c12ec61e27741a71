// `hashflop compare --paired`: two builds run in the same time window, interleaved (A B B A ...),
// each run written as its own Google Benchmark JSON file with its pair index in the context.
// Machine drift moves both runs of a pair alike, so the per-pair ratio cancels it; the
// Wilcoxon signed-rank test and the Hodges-Lehmann interval then judge the ratios.
#pragma once

#include <filesystem>
#include <vector>

#include "compare/comparison.hpp"
#include "compare/dataset.hpp"

namespace hashflop::compare {

/// One side of a paired comparison: one Dataset per file. A pair index may span several files
/// (one per benchmark), but a benchmark appears once per pair.
struct PairedSide {
  std::filesystem::path dir;
  std::vector<Dataset> runs;
};

/// Reads every *.json in `dir`. Throws UsageError when the folder is unreadable or empty, a file
/// is not Google Benchmark JSON, lacks `hashflop_pair` in its context, or holds a benchmark that
/// another file of the same pair index holds too.
PairedSide load_paired_side(const std::filesystem::path& dir);

/// Judges one benchmark from its rates in matched pairs: base[i] and candidate[i] were run in
/// pair pairs[i]. All three the same, non-zero length; rates positive.
PairResult judge_paired(const std::vector<long>& pairs, const std::vector<double>& base,
                        const std::vector<double>& candidate, const CompareOptions& options);

/// Pairs runs by index and benchmarks by name, and judges every benchmark. A benchmark on one
/// side only is `missing`; a pair index one side lacks is named in the benchmark's note and in
/// `skipped`. Throws UsageError when no pair index or no benchmark is on both sides.
Comparison compare_paired(const PairedSide& base, const PairedSide& candidate,
                          const CompareOptions& options);

}  // namespace hashflop::compare
