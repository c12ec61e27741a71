// Which cache blocking (mc, kc, nc) a tiled CPU GEMM variant runs with: the one named with
// --blocking, else the fastest measured on this machine for this variant, shape, dtype and
// thread count (from the wisdom file, or calibrated now), else the cache-size formula.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/cpu_info.hpp"
#include "gemm/gemm_types.hpp"
#include "gemm/gemm_variants.hpp"
#include "results/result.hpp"
#include "tune/calibrate.hpp"
#include "tune/tune_settings.hpp"

namespace hashflop::tune {

/// The wisdom file's workload name for GEMM block sizes.
inline constexpr std::string_view gemm_workload = "gemm";

/// The wisdom problem of a blocking calibration: "avx512 fp32 2048x2048x2048 threads=2".
std::string gemm_problem(std::string_view variant, gemm::Dtype dtype, const gemm::GemmShape& shape,
                         unsigned threads);

/// The blockings a calibration tries for `tile` on `threads` threads: the cache-size formula's
/// first (the fallback), then shallower and deeper kc with mc refitted to L2, and a shorter
/// mc. Each is clamped to `shape` (gemm::fit_blocking) and listed once.
std::vector<gemm_kernels::GemmBlocking> gemm_blocking_candidates(gemm_kernels::MicroTile tile,
                                                                 unsigned threads,
                                                                 const cpu::CacheSizes& caches,
                                                                 const gemm::GemmShape& shape);

struct GemmBlockingChoice {
  gemm_kernels::GemmBlocking blocking;
  results::Selection selection;
};

/// For a tiled CPU variant (variant.tiled set): `forced` when given (chosen_by forced); else
/// wisdom for this machine, build, variant, shape, dtype and thread count unless
/// settings.recalibrate; else a calibration when settings.calibrate (stored as wisdom); else
/// the cache-size formula (chosen_by cpuid). `probe` stands in for the real timing in tests.
GemmBlockingChoice choose_cpu_gemm_blocking(const gemm::GemmVariant& variant,
                                            const gemm::GemmShape& shape, gemm::Dtype dtype,
                                            unsigned threads,
                                            std::optional<gemm_kernels::GemmBlocking> forced,
                                            const TuneSettings& settings, Probe* probe = nullptr);

/// The probe a calibration uses. verify: one product on a shape that ends inside a partial mc
/// block, kc slice and register tile, checked in full against fp64. trial: one product of
/// `shape` with M cut to about 8 GFLOP per thread, but to no fewer than one `largest_mc` block
/// per thread (the blocking repeats along M, so more rows add time but not information); the
/// first trial of each candidate is checked against fp64, and a mismatch throws. A trial runs
/// products back to back for at least 20 ms.
std::unique_ptr<Probe> make_cpu_gemm_probe(const gemm::GemmVariant& variant,
                                           const gemm::GemmShape& shape, unsigned threads,
                                           int64_t largest_mc);

}  // namespace hashflop::tune
