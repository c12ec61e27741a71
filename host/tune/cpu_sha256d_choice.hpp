// Which CPU sha256d variant runs: the one named with --variant, else the fastest measured on
// this machine (from the wisdom file, or calibrated now), else the CPUID default.
#pragma once

#include <string_view>

#include "bitcoin/header.hpp"
#include "bitcoin/uint256.hpp"
#include "cpu/sha256d_variants.hpp"
#include "results/result.hpp"
#include "tune/calibrate.hpp"
#include "tune/tune_settings.hpp"

namespace hashflop::tune {

/// The wisdom file's workload and problem names for the CPU nonce search.
inline constexpr std::string_view sha256d_workload = "sha256d";
inline constexpr std::string_view sha256d_problem = "cpu nonce search";

/// What a calibration searches: the run's own header and target, on its thread count.
struct Sha256dInputs {
  bitcoin::BlockHeader header;
  bitcoin::Uint256 target;
  unsigned threads = 0;  ///< 0: all logical cores
};

struct Sha256dChoice {
  const cpu::Sha256dVariant* variant = nullptr;
  results::Selection selection;
};

/// `forced` non-empty: that variant (UsageError for an unknown name, DeviceError for one this
/// CPU cannot run). Else wisdom for this machine, build and thread count, unless
/// settings.recalibrate; else a calibration (about 150 ms of trials per variant, stored as
/// wisdom) when settings.calibrate; else the CPUID default. `probe` stands in for the real
/// timing in tests.
Sha256dChoice choose_cpu_sha256d(std::string_view forced, const Sha256dInputs& inputs,
                                 const TuneSettings& settings, Probe* probe = nullptr);

/// The probe a calibration uses: known-nonce checks, then timed searches of `inputs`.
std::unique_ptr<Probe> make_cpu_sha256d_probe(const Sha256dInputs& inputs);

}  // namespace hashflop::tune
