// Which kernel and launch geometry the CUDA nonce search uses: the user's, else the fastest the
// autotuner measured on this GPU, kept in the wisdom file with the kernel and the geometry
// together (a geometry tuned for one kernel says nothing about another). CUDA builds only.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "mine/cuda_autotune.hpp"
#include "results/result.hpp"
#include "sha256d_job.hpp"
#include "tune/machine_key.hpp"
#include "tune/search_problem.hpp"
#include "tune/tune_settings.hpp"

namespace hashflop::tune {

struct CudaSha256dChoice {
  cuda::LaunchGeometry geometry;
  results::Selection selection;
};

/// CUDA device `device` as gpu_key() needs it (the driver's version from NVML when it loads).
GpuIdentity cuda_identity(int device);

/// The stored choice for `device` when the wisdom file has one for this GPU, driver, build,
/// `variant` and target class (tune/search_problem.hpp) that still plans on this device; else
/// the autotuner's over `kernels` from nonce `first` of `job` (every geometry checked at the
/// size of its timed launch, a 200 ms warm-up per kernel, then 3 interleaved timed launches of
/// each, compared by rate with a 2% margin for the occupancy default), stored. settings.recalibrate
/// skips the lookup; settings.use_wisdom false neither reads nor writes the file.
CudaSha256dChoice choose_cuda_sha256d(int device, const sha256d::Job& job, uint32_t first,
                                      std::span<const cuda::Sha256dKernel* const> kernels,
                                      std::string_view variant, const TuneSettings& settings);

/// What the wisdom file holds for `device` (no --variant), for `hashflop devices`; measures
/// nothing and says nothing.
std::optional<results::Selection> stored_cuda_sha256d(int device);

}  // namespace hashflop::tune
