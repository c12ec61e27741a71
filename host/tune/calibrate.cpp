#include "tune/calibrate.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/median.hpp"
#include "common/units.hpp"

namespace hashflop::tune {

results::Selection calibrate(const CalibrationPlan& plan, Probe& probe) {
  const auto t0 = std::chrono::steady_clock::now();
  results::Selection s;
  s.chosen_by = results::ChosenBy::measured;
  s.calibrated_at = results::utc_now_iso8601();

  struct Timing {
    results::CandidateRate record;
    std::vector<double> rates;
    bool live = false;
  };
  std::vector<Timing> timings;
  for (const auto& name : plan.candidates) {
    Timing t;
    t.record.name = name;
    const Check check = probe.verify(name);
    t.record.verification = check.verdict;
    t.record.detail = check.detail;
    t.live = check.verdict == Verdict::passed;
    timings.push_back(std::move(t));
  }
  // Alternating rounds: a burst of noise (another process, a frequency step) hits every
  // candidate about equally instead of one candidate's whole sample.
  for (int round = 0; round < plan.warmup_rounds + plan.rounds; ++round) {
    for (auto& t : timings) {
      if (!t.live) continue;
      try {
        const double rate = probe.trial(t.record.name);
        if (round >= plan.warmup_rounds) t.rates.push_back(rate);
      } catch (const std::exception& e) {
        t.live = false;
        t.rates.clear();
        t.record.verification = Verdict::incorrect;
        t.record.detail = e.what();
      }
    }
  }
  const Timing* best = nullptr;
  const Timing* fallback = nullptr;
  for (auto& t : timings) {
    if (!t.live || t.rates.empty()) continue;
    t.record.rate = median(t.rates);
    if (best == nullptr || *t.record.rate > *best->record.rate) best = &t;
    if (t.record.name == plan.fallback) fallback = &t;
  }
  if (best == nullptr) throw Error("calibration: no candidate passed its check");
  const auto rate_of = [](const Timing* t) { return *t->record.rate; };
  if (fallback != nullptr && best != fallback &&
      rate_of(best) <= rate_of(fallback) * (1 + plan.margin)) {
    s.reason = fmt::format("fastest median; {} was within {:.0f}% of the {}, so the {} {} is kept",
                           best->record.name, plan.margin * 100, plan.fallback_label,
                           plan.fallback_label, plan.fallback);
    best = fallback;
  } else if (fallback != nullptr && best != fallback) {
    s.reason = fmt::format("fastest median of {} alternating trials: {:.1f}% faster than the {} {}",
                           plan.rounds, (rate_of(best) / rate_of(fallback) - 1) * 100,
                           plan.fallback_label, plan.fallback);
  } else {
    s.reason = fmt::format("fastest median of {} alternating trials", plan.rounds);
  }
  s.choice = best->record.name;
  for (auto& t : timings) s.candidates.push_back(std::move(t.record));
  s.calibration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

std::string rates_line(const results::Selection& s, std::string_view unit, bool bracket_names) {
  std::string line;
  for (const auto& c : s.candidates) {
    if (!line.empty()) line += ", ";
    line += bracket_names ? fmt::format("[{}] ", c.name) : fmt::format("{} ", c.name);
    line += c.rate ? format_rate(*c.rate, unit) : std::string(to_string(c.verification));
  }
  return line;
}

}  // namespace hashflop::tune
