// The one way a tuned choice is made, whatever is tuned (a CPU sha256d variant, a GEMM cache
// blocking, a GPU kernel and launch shape): the choice named by the user, else the wisdom
// file's, else the static default when nothing may be measured, else a measurement, stored.
// A tuned workload describes its candidates, its probe and its wisdom key in a ChoiceSpec;
// the order of the steps and what each says live here once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "results/result.hpp"
#include "tune/calibrate.hpp"
#include "tune/tune_settings.hpp"
#include "tune/wisdom.hpp"

namespace hashflop::tune {

/// Searches of at least this many nonces (about 13 s at 80 MH/s on a CPU, a fraction of a
/// second on a GPU) are worth a calibration when the wisdom file has no answer; shorter ones
/// take wisdom or the default.
inline constexpr uint64_t calibrate_min_nonces = uint64_t{1} << 30;

struct ChoiceSpec {
  /// What each line says first: "sha256d", "gemm avx2 2048x2048x2048", "sha256d on cuda:0".
  std::string head;
  /// Put before a choice's name in lines: "blocking " for "blocking mc=.. kc=.. nc=..".
  std::string noun;
  /// Where the choice is stored: workload, problem and machine key (its selection unused).
  WisdomEntry where;

  /// What a calibration tries, by name.
  std::vector<std::string> candidates;
  /// The static choice (CPUID order, the cache-size formula, the occupancy geometry), what it
  /// is called in reasons ("CPUID default"), and why it runs when nothing was measured.
  std::string fallback, fallback_label = "CPUID default", fallback_reason;

  /// Named by the user (--variant, --blocking): used as is, with `forced_reason`. With
  /// `forced_shows_wisdom` the wisdom file is read (quietly) for what the others measured.
  std::optional<std::string> forced;
  std::string forced_reason;
  bool forced_shows_wisdom = false;

  /// Why a stored choice cannot run here (a variant this CPU lacks, a blocking none of the
  /// candidates has, a geometry the GPU refuses), or "" when it can. Empty: any stored choice.
  std::function<std::string(const results::Selection&)> refuse_stored;
  /// What "from wisdom" lines add in parentheses: "calibrated 2026-12-01T10:00:00Z".
  std::function<std::string(const results::Selection&)> stored_note;
  /// The "from wisdom" line is said even when the chooser is quiet (not measuring).
  bool announce_stored_when_quiet = false;

  /// Why this cannot be measured now ("" when it can), e.g. not enough memory: the fallback
  /// runs with that reason.
  std::function<std::string()> cannot_measure;
  /// The line said before measuring: "calibrating 5 variants on 2 threads".
  std::string measuring_line;
  /// Calibration by trials: its rounds and margin (candidates and fallback come from above),
  /// and the probe: `probe` when set (a test's fake), else one `make_probe` makes when needed.
  CalibrationPlan plan;
  Probe* probe = nullptr;
  std::function<std::unique_ptr<Probe>()> make_probe;
  /// Measures another way instead (the CUDA autotuner). A selection `keep` refuses (nothing
  /// passed its check) is returned as it is, unannounced and not stored: `measure` says why.
  std::function<results::Selection()> measure;
  std::function<bool(const results::Selection&)> keep;
  /// The candidates' rates in the "chosen by measurement" line.
  std::function<std::string(const results::Selection&)> rates;
};

/// Makes the choice `spec` describes under `settings`: forced, else wisdom (unless
/// settings.recalibrate), else the fallback when settings.calibrate and settings.recalibrate are
/// both false, else a measurement (stored unless settings.use_wisdom is false).
results::Selection choose(const ChoiceSpec& spec, const TuneSettings& settings);

}  // namespace hashflop::tune
