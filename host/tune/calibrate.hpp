// Calibration: verify each candidate, then time short trials of all of them in alternating
// rounds and pick the fastest rate. The timing is behind Probe, so tests can stand in a fake
// clock that makes any candidate win.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/measure.hpp"
#include "common/verdict.hpp"
#include "results/result.hpp"

namespace hashflop::tune {

/// What a calibration times: one candidate's check, and one short timed trial of it.
class Probe {
 public:
  virtual ~Probe() = default;
  /// Checks the candidate on known data; a candidate that does not pass is never timed.
  virtual Check verify(std::string_view candidate) = 0;
  /// Runs one short trial of the candidate on the real inputs and returns its work and timed
  /// seconds. Throws Error when the work went wrong (a kernel mismatch): the candidate is then
  /// dropped as incorrect.
  virtual measure::Trial trial(std::string_view candidate) = 0;
};

struct CalibrationPlan {
  std::vector<std::string> candidates;
  /// The static choice (CPUID order); kept unless another candidate's rate beats it by more
  /// than `margin`, so calibration never trades a known default for noise.
  std::string fallback;
  /// What the fallback is, for the reason line: "CPUID default", "cache-size default".
  std::string fallback_label = "CPUID default";
  int warmup_rounds = 1;  ///< untimed trials of each candidate first (clocks, caches, pages)
  int rounds = 5;         ///< timed trials of each, alternating; their rates are compared
  /// How much faster than the fallback (as a fraction) a winner must be. Two percent is above
  /// the round-to-round spread of a median of five on a quiet core and below every real gap
  /// between variants hashflop has measured (docs/performance.md).
  double margin = 0.02;
};

/// Verifies and times every candidate; returns the selection (chosen_by measured, with every
/// candidate's rate (common/measure.hpp: its timed trials' work over their seconds) or why it
/// has none, and the calibration's wall time). Throws Error
/// when no candidate passes.
results::Selection calibrate(const CalibrationPlan& plan, Probe& probe);

/// Every candidate of a selection with its rate (in `unit`: "hash", "flop") or why it has none,
/// for the one-line reports of `tune` and `--json`-less runs. `bracket_names` when the names
/// are block sizes, which would otherwise run into the rate.
std::string rates_line(const results::Selection& s, std::string_view unit, bool bracket_names);

}  // namespace hashflop::tune
