#include "compare/paired.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/median.hpp"
#include "compare/wilcoxon.hpp"

namespace hashflop::compare {
namespace {

namespace fs = std::filesystem;

// Pair index -> the runs of that pair, per side: one file for the whole set, or one per benchmark
// when the runner interleaves benchmark by benchmark.
using RunsByPair = std::map<long, std::vector<const Dataset*>>;

RunsByPair by_pair(const PairedSide& side) {
  RunsByPair out;
  for (const auto& run : side.runs) out[*run.pair].push_back(&run);
  return out;
}

const Series* find(const std::vector<const Dataset*>& runs, const std::string& key) {
  for (const Dataset* run : runs) {
    for (const auto& s : run->series) {
      if (s.key == key) return &s;
    }
  }
  return nullptr;
}

std::string files_of(const std::vector<const Dataset*>& runs) {
  std::string out = runs.front()->path.string();
  if (runs.size() > 1) out += fmt::format(" and {} more", runs.size() - 1);
  return out;
}

std::string join(const std::vector<long>& v) {
  std::string out;
  for (long x : v) out += (out.empty() ? "" : ", ") + std::to_string(x);
  return out;
}

// The smallest pair count whose all-one-sign outcome reaches p < alpha.
std::size_t pairs_needed(double alpha) {
  std::size_t n = 1;
  while (signed_rank_min_p(n) >= alpha && n < 64) ++n;
  return n;
}

}  // namespace

PairedSide load_paired_side(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw UsageError(
        fmt::format("{}: not a folder (--paired compares two folders of Google "
                    "Benchmark JSON, one file per run)",
                    dir.string()));
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec)
    throw UsageError(fmt::format("{}: cannot list the folder: {}", dir.string(), ec.message()));
  if (files.empty()) throw UsageError(fmt::format("{}: no *.json run files", dir.string()));
  std::sort(files.begin(), files.end());
  PairedSide side;
  side.dir = dir;
  // (pair, benchmark) -> the file that holds it: a benchmark twice in one pair is ambiguous.
  std::map<std::pair<long, std::string>, fs::path> seen;
  for (const auto& f : files) {
    auto run = load_dataset(f);
    if (run.format != Format::google_benchmark) {
      throw UsageError(fmt::format("{}: --paired reads Google Benchmark JSON only", f.string()));
    }
    if (!run.pair) {
      throw UsageError(fmt::format(
          "{}: no hashflop_pair in the context (run with --benchmark_context=hashflop_pair=N)",
          f.string()));
    }
    for (const auto& s : run.series) {
      const auto [it, fresh] = seen.emplace(std::pair{*run.pair, s.key}, f);
      if (!fresh) {
        throw UsageError(fmt::format("{} and {} both hold {} of pair {}", it->second.string(),
                                     f.string(), s.label, *run.pair));
      }
    }
    side.runs.push_back(std::move(run));
  }
  return side;
}

PairResult judge_paired(const std::vector<long>& pairs, const std::vector<double>& base,
                        const std::vector<double>& candidate, const CompareOptions& options) {
  PairResult r;
  std::vector<double> log_ratios, ratios;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (!(base[i] > 0) || !(candidate[i] > 0)) {
      throw UsageError(fmt::format("pair {}: a rate is not positive", pairs[i]));
    }
    log_ratios.push_back(std::log(candidate[i] / base[i]));
    ratios.push_back(candidate[i] / base[i]);
    r.log_ratios.emplace_back(pairs[i], log_ratios.back());
  }
  r.base = Side{base.size(), median(base), robust_spread_pct(base)};
  r.candidate = Side{candidate.size(), median(candidate), robust_spread_pct(candidate)};
  // Log ratios make a halving and a doubling symmetric, which the signed-rank test assumes of
  // the differences; the Hodges-Lehmann estimate and interval are of the same statistic, so the
  // interval excludes no change exactly when the test rejects it (up to W+'s discreteness).
  const auto test = wilcoxon_signed_rank(log_ratios);
  const auto centre = hodges_lehmann(log_ratios, options.alpha);
  r.p = test.p;
  r.exact = test.exact;
  r.change_pct = std::expm1(centre.estimate) * 100;
  r.interval = PairResult::Interval{std::expm1(centre.low) * 100, std::expm1(centre.high) * 100,
                                    centre.confidence};
  r.ratio_spread_pct = robust_spread_pct(ratios);
  // No spread rule here: the test already weighs the ratios' spread, which drift no longer
  // inflates.
  r.verdict = verdict_for(r.change_pct, r.p, signed_rank_min_p(test.n), 0, options);
  r.regression = r.verdict == Change::slower;
  if (signed_rank_min_p(test.n) >= options.alpha) {
    r.note = fmt::format("only {} pairs that differ: at least {} are needed to reach p < {}",
                         test.n, pairs_needed(options.alpha), options.alpha);
  }
  // With few pairs W+ moves in big steps: the widest interval may cover less than asked.
  if (centre.confidence < 1 - options.alpha - 1e-9) {
    r.note += fmt::format("{}the interval covers {:.0f}%, not {:.0f}%", r.note.empty() ? "" : "; ",
                          centre.confidence * 100, (1 - options.alpha) * 100);
  }
  return r;
}

Comparison compare_paired(const PairedSide& base, const PairedSide& candidate,
                          const CompareOptions& options) {
  if (!options.rate) throw UsageError("Google Benchmark files carry no energy: use --metric rate");
  Comparison c;
  c.options = options;
  c.paired = true;
  c.base_path = base.dir.string();
  c.candidate_path = candidate.dir.string();
  c.format = Format::google_benchmark;
  const auto base_runs = by_pair(base);
  const auto candidate_runs = by_pair(candidate);
  std::vector<long> common;
  for (const auto& [pair, runs] : base_runs) {
    if (candidate_runs.count(pair)) {
      common.push_back(pair);
    } else {
      c.skipped.push_back(fmt::format("pair {}: only in the base ({})", pair, files_of(runs)));
    }
  }
  for (const auto& [pair, runs] : candidate_runs) {
    if (!base_runs.count(pair)) {
      c.skipped.push_back(fmt::format("pair {}: only in the candidate ({})", pair, files_of(runs)));
    }
  }
  if (common.empty()) {
    throw UsageError(
        fmt::format("no pair index is in both {} and {}", c.base_path, c.candidate_path));
  }
  for (const auto& [label, side] : {std::pair{"base", &base}, std::pair{"candidate", &candidate}}) {
    for (const auto& run : side->runs) {
      for (const auto& s : run.skipped)
        c.skipped.push_back(fmt::format("{} pair {}: {}", label, *run.pair, s));
    }
  }
  // Every benchmark of either side, in order of first appearance.
  std::vector<const Series*> all;
  for (const auto* side : {&base, &candidate}) {
    for (const auto& run : side->runs) {
      for (const auto& s : run.series) {
        if (std::none_of(all.begin(), all.end(), [&](const Series* a) { return a->key == s.key; }))
          all.push_back(&s);
      }
    }
  }
  int matched_benchmarks = 0;
  for (const Series* s : all) {
    const auto on = [&](const RunsByPair& runs) {
      return std::any_of(runs.begin(), runs.end(),
                         [&](const auto& r) { return find(r.second, s->key) != nullptr; });
    };
    const bool in_base = on(base_runs), in_candidate = on(candidate_runs);
    if (!in_base || !in_candidate) {
      c.pairs.push_back(one_sided(*s, Metric::rate, in_base));
      continue;
    }
    std::vector<long> pairs, one_sided_pairs;
    std::vector<double> b, k;
    for (long pair : common) {
      const Series* sb = find(base_runs.at(pair), s->key);
      const Series* sk = find(candidate_runs.at(pair), s->key);
      if (sb && sk) {
        pairs.push_back(pair);
        // Repetitions inside one run are summarized first: the pair is the unit of the test.
        b.push_back(median(sb->rate));
        k.push_back(median(sk->rate));
      } else if (sb || sk) {
        one_sided_pairs.push_back(pair);
      }
    }
    if (pairs.empty()) {
      auto p = one_sided(*s, Metric::rate, true);
      p.note = "on both sides but never in the same pair";
      c.pairs.push_back(p);
      continue;
    }
    auto p = judge_paired(pairs, b, k, options);
    p.label = s->label;
    p.unit = s->unit;
    if (!one_sided_pairs.empty()) {
      const std::string lost =
          fmt::format("pair{} {} on one side only, left out",
                      one_sided_pairs.size() == 1 ? "" : "s", join(one_sided_pairs));
      p.note = p.note.empty() ? lost : p.note + "; " + lost;
      c.skipped.push_back(fmt::format("{}: {}", s->label, lost));
    }
    c.pairs.push_back(p);
    ++matched_benchmarks;
  }
  if (matched_benchmarks == 0) {
    throw UsageError(fmt::format("no benchmark is in the same pair in {} and {}", c.base_path,
                                 c.candidate_path));
  }
  finish(c);
  return c;
}

}  // namespace hashflop::compare
