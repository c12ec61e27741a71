#include "tune/chooser.hpp"

#include <fmt/format.h>

namespace hashflop::tune {
namespace {

results::Selection fallback_of(const ChoiceSpec& spec, std::string reason) {
  results::Selection s;
  s.chosen_by = results::ChosenBy::cpuid;
  s.choice = spec.fallback;
  s.reason = std::move(reason);
  return s;
}

results::Selection measured(const ChoiceSpec& spec) {
  if (spec.measure) return spec.measure();
  CalibrationPlan plan = spec.plan;
  plan.candidates = spec.candidates;
  plan.fallback = spec.fallback;
  plan.fallback_label = spec.fallback_label;
  if (spec.probe != nullptr) return calibrate(plan, *spec.probe);
  const auto probe = spec.make_probe();
  return calibrate(plan, *probe);
}

}  // namespace

results::Selection choose(const ChoiceSpec& spec, const TuneSettings& settings) {
  const bool forced = spec.forced.has_value();
  if (forced && !spec.forced_shows_wisdom) {
    results::Selection s;
    s.chosen_by = results::ChosenBy::forced;
    s.choice = *spec.forced;
    s.reason = spec.forced_reason;
    return s;
  }
  // Without a measurement to follow, a stale entry changes nothing worth a line; a forced
  // choice reads the wisdom only to record what the others measured.
  const bool quiet = forced || !(settings.calibrate || settings.recalibrate);
  std::optional<Wisdom> wisdom;
  std::optional<results::Selection> known;
  if (settings.use_wisdom) {
    wisdom =
        Wisdom::load(settings.wisdom_path.empty() ? default_wisdom_path() : settings.wisdom_path);
    if (!wisdom->warning().empty() && !forced) settings.say(wisdom->warning());
    std::string stale;
    known = wisdom->find(spec.where.workload, spec.where.problem, spec.where.key, &stale);
    if (known && spec.refuse_stored) {
      if (auto why = spec.refuse_stored(*known); !why.empty()) {
        stale = std::move(why);
        known.reset();
      }
    }
    if (!known && !stale.empty() && !quiet)
      settings.say(fmt::format("{}: wisdom entry not used ({})", spec.head, stale));
  }

  if (forced) {
    results::Selection s;
    s.chosen_by = results::ChosenBy::forced;
    s.choice = *spec.forced;
    s.reason = spec.forced_reason;
    if (known) {  // what a calibration of this machine measured, for comparison
      s.candidates = known->candidates;
      s.calibrated_at = known->calibrated_at;
      s.calibration_seconds = known->calibration_seconds;
    }
    return s;
  }
  if (known && !settings.recalibrate) {
    results::Selection s = *known;
    s.chosen_by = results::ChosenBy::wisdom;
    if (!quiet || spec.announce_stored_when_quiet) {
      settings.say(fmt::format("{}: {}{} from wisdom ({})", spec.head, spec.noun, s.choice,
                               spec.stored_note ? spec.stored_note(s) : s.calibrated_at));
    }
    return s;
  }
  if (!settings.calibrate && !settings.recalibrate) return fallback_of(spec, spec.fallback_reason);
  if (spec.cannot_measure) {
    if (auto why = spec.cannot_measure(); !why.empty()) {
      settings.say(fmt::format("{}: {}", spec.head, why));
      return fallback_of(spec, std::move(why));
    }
  }

  if (!spec.measuring_line.empty())
    settings.say(fmt::format("{}: {}", spec.head, spec.measuring_line));
  results::Selection s = measured(spec);
  // A measurement that found nothing worth keeping said why itself, and is not stored.
  if (spec.keep && !spec.keep(s)) return s;
  settings.say(fmt::format("{}: {}{} chosen by measurement in {:.2f} s ({})", spec.head, spec.noun,
                           s.choice, s.calibration_seconds.value_or(0),
                           spec.rates ? spec.rates(s) : std::string()));
  if (wisdom) {
    WisdomEntry entry = spec.where;
    entry.selection = s;
    store_choice(*wisdom, std::move(entry), settings);
  }
  return s;
}

}  // namespace hashflop::tune
