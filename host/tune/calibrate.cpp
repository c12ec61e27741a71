#include "tune/calibrate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/measure.hpp"
#include "common/units.hpp"

namespace hashflop::tune {

results::Selection calibrate(const CalibrationPlan& plan, Probe& probe) {
  const measure::Stopwatch clock;
  results::Selection s;
  s.chosen_by = results::ChosenBy::measured;
  s.calibrated_at = results::utc_now_iso8601();

  struct Timing {
    results::CandidateRate record;
    measure::Series series;
    bool live = false;
  };
  const measure::Plan each{.warmup = plan.warmup_rounds, .stable_within = 0, .trials = plan.rounds};
  std::vector<Timing> timings;
  for (const auto& name : plan.candidates) {
    Timing t{{}, measure::Series(each), false};
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
      if (!t.live || t.series.done()) continue;
      try {
        t.series.add(probe.trial(t.record.name));
      } catch (const std::exception& e) {
        t.live = false;
        t.record.verification = Verdict::incorrect;
        t.record.detail = e.what();
      }
    }
  }
  const Timing* best = nullptr;
  const Timing* fallback = nullptr;
  for (auto& t : timings) {
    if (!t.live || t.series.timed().empty()) continue;
    t.record.rate = t.series.summary().rate;
    if (best == nullptr || *t.record.rate > *best->record.rate) best = &t;
    if (t.record.name == plan.fallback) fallback = &t;
  }
  if (best == nullptr) throw Error("calibration: no candidate passed its check");
  const auto rate_of = [](const Timing* t) { return *t->record.rate; };
  if (fallback != nullptr && best != fallback &&
      rate_of(best) <= rate_of(fallback) * (1 + plan.margin)) {
    s.reason = fmt::format("fastest rate; {} was within {:.0f}% of the {}, so the {} {} is kept",
                           best->record.name, plan.margin * 100, plan.fallback_label,
                           plan.fallback_label, plan.fallback);
    best = fallback;
  } else if (fallback != nullptr && best != fallback) {
    s.reason = fmt::format("fastest rate over {} alternating trials: {:.1f}% faster than the {} {}",
                           plan.rounds, (rate_of(best) / rate_of(fallback) - 1) * 100,
                           plan.fallback_label, plan.fallback);
  } else {
    s.reason = fmt::format("fastest rate over {} alternating trials", plan.rounds);
  }
  s.choice = best->record.name;
  for (auto& t : timings) s.candidates.push_back(std::move(t.record));
  s.calibration_seconds = clock.seconds();
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
