#include "compare/comparison.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"
#include "compare/mann_whitney.hpp"

namespace hashflop::compare {

namespace {

// Below this many repetitions a side the test cannot reach p < 0.05 for small effects (with
// 4 v 4 the smallest two-sided exact p is 0.029), so the verdict leans on luck.
constexpr std::size_t min_repetitions = 5;

Side side(const std::vector<double>& v) {
  return {v.size(), median(v), robust_spread_pct(v)};
}

}  // namespace

PairResult one_sided(const Series& s, Metric metric, bool in_base) {
  PairResult p;
  p.label = s.label;
  p.metric = metric;
  p.unit = metric == Metric::rate ? s.unit : s.per_joule_unit;
  p.verdict = Change::missing;
  p.note = in_base ? "only in the base" : "only in the candidate";
  return p;
}

const char* metric_name(Metric metric) {
  return metric == Metric::rate ? "rate" : "per_joule";
}

const char* change_name(Change verdict) {
  switch (verdict) {
    case Change::faster:
      return "faster";
    case Change::slower:
      return "slower";
    case Change::same:
      return "same";
    case Change::noisy:
      return "noisy";
    case Change::missing:
      return "missing";
    case Change::unavailable:
      return "unavailable";
    case Change::inconclusive:
      return "inconclusive";
  }
  return "?";
}

double robust_spread_pct(const std::vector<double>& v) {
  const double m = median(v);
  if (v.size() < 2 || m == 0) return 0;
  std::vector<double> dev;
  dev.reserve(v.size());
  for (double x : v) dev.push_back(std::abs(x - m));
  return 1.4826 * median(dev) / std::abs(m) * 100;
}

Change verdict_for(double change_pct, double p, double min_p, double spread_pct,
                   const CompareOptions& options) {
  if (std::abs(change_pct) <= options.threshold_pct) return Change::same;
  // Not significant because no outcome could be: a verdict of its own, or a 3 v 3 gate with
  // every rate halved would pass as `noisy`.
  if (p >= options.alpha && min_p >= options.alpha) return Change::inconclusive;
  if (p >= options.alpha || spread_pct > std::abs(change_pct)) return Change::noisy;
  return change_pct > 0 ? Change::faster : Change::slower;
}

PairResult judge(const std::vector<double>& base, const std::vector<double>& candidate,
                 const CompareOptions& options) {
  PairResult r;
  r.base = side(base);
  r.candidate = side(candidate);
  r.change_pct = r.base->median == 0
                     ? 0
                     : (r.candidate->median - r.base->median) / std::abs(r.base->median) * 100;
  const auto test = mann_whitney(candidate, base);
  r.p = test.p;
  r.exact = test.exact;
  r.verdict = verdict_for(r.change_pct, r.p, mann_whitney_min_p(base.size(), candidate.size()),
                          std::max(r.base->spread_pct, r.candidate->spread_pct), options);
  r.regression = r.verdict == Change::slower;
  if (base.size() < min_repetitions || candidate.size() < min_repetitions) {
    r.note = fmt::format(
        "only {} and {} repetitions: at least {} a side are needed to detect a "
        "change",
        base.size(), candidate.size(), min_repetitions);
  }
  return r;
}

void finish(Comparison& c) {
  // By name: Google Benchmark's random interleaving leaves the files in a random order.
  std::stable_sort(c.pairs.begin(), c.pairs.end(),
                   [](const PairResult& l, const PairResult& r) { return l.label < r.label; });
  c.regressions = 0;
  c.gate_failures = 0;
  for (auto& p : c.pairs) {
    p.regression = p.verdict == Change::slower;
    // An inconclusive slowdown may be real, so the gate cannot pass it unasked; an
    // inconclusive speed-up is no evidence of a regression at all.
    p.fails_gate =
        p.regression || (p.verdict == Change::missing && !c.options.allow_missing) ||
        (p.verdict == Change::inconclusive && p.change_pct < 0 && !c.options.allow_inconclusive);
    if (p.regression) ++c.regressions;
    if (p.fails_gate) ++c.gate_failures;
  }
  c.exit_code = c.gate_failures > 0 ? 1 : 0;
}

Comparison compare(const Dataset& base, const Dataset& candidate, const CompareOptions& options) {
  if (base.format != candidate.format) {
    throw UsageError(fmt::format("{} is a {} file but {} is a {} file: compare like with like",
                                 base.path.string(), format_name(base.format),
                                 candidate.path.string(), format_name(candidate.format)));
  }
  Comparison c;
  c.options = options;
  c.base_path = base.path.string();
  c.candidate_path = candidate.path.string();
  c.format = base.format;
  for (const auto& s : base.skipped) c.skipped.push_back("base: " + s);
  for (const auto& s : candidate.skipped) c.skipped.push_back("candidate: " + s);
  // Google Benchmark files never carry energy; asking for it alone is a usage error below.
  const bool per_joule = options.per_joule && base.format == Format::hashflop_result;
  std::vector<Metric> metrics;
  if (options.rate) metrics.push_back(Metric::rate);
  if (per_joule) metrics.push_back(Metric::per_joule);
  if (metrics.empty()) {
    throw UsageError("Google Benchmark files carry no energy: use --metric rate");
  }
  int common = 0;
  for (const auto& b : base.series) {
    const auto it = std::find_if(candidate.series.begin(), candidate.series.end(),
                                 [&](const Series& s) { return s.key == b.key; });
    for (const Metric m : metrics) {
      if (it == candidate.series.end()) {
        c.pairs.push_back(one_sided(b, m, true));
        continue;
      }
      if (m == Metric::rate) {
        c.pairs.push_back(judge(b.rate, it->rate, options));
      } else if (b.per_joule && it->per_joule) {
        c.pairs.push_back(judge(*b.per_joule, *it->per_joule, options));
      } else if (options.per_joule_required) {
        throw UsageError(fmt::format("--metric per_joule: {} has no energy measurement in {}",
                                     b.label, !b.per_joule ? c.base_path : c.candidate_path));
      } else {
        PairResult p;
        p.verdict = Change::unavailable;
        p.note = fmt::format("energy not measured in the {}", !b.per_joule && !it->per_joule
                                                                  ? "base or the candidate"
                                                              : !b.per_joule ? "base"
                                                                             : "candidate");
        c.pairs.push_back(p);
      }
      auto& p = c.pairs.back();
      p.label = b.label;
      p.metric = m;
      p.unit = m == Metric::rate ? b.unit : b.per_joule_unit;
    }
    if (it != candidate.series.end()) ++common;
  }
  for (const auto& s : candidate.series) {
    const bool in_base = std::any_of(base.series.begin(), base.series.end(),
                                     [&](const Series& b) { return b.key == s.key; });
    if (in_base) continue;
    for (const Metric m : metrics) c.pairs.push_back(one_sided(s, m, false));
  }
  if (common == 0) {
    throw UsageError(
        fmt::format("no benchmark or run is in both {} and {}", c.base_path, c.candidate_path));
  }
  finish(c);
  return c;
}

}  // namespace hashflop::compare
