// Launch geometry for the CUDA search: from the occupancy API, from the user, or measured.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/measure.hpp"
#include "mine/cuda_search.hpp"
#include "sha256d_job.hpp"

namespace hashflop::cuda {

/// Used when neither the user nor the autotuner picked one: enough per thread to amortise the
/// per-thread setup, small enough that a full launch is a whole number of waves.
inline constexpr unsigned default_nonces_per_thread = 64;
/// A full launch is sized to about this many nonces: tens of milliseconds on a large GPU, so
/// launch overhead is noise and a cancel or deadline is noticed promptly.
inline constexpr uint64_t target_launch_nonces = uint64_t{1} << 28;

/// Every kernel of the registry (sha256d_search.cu), the default first.
std::vector<const Sha256dKernel*> all_kernels();

/// The kernel named `name`; throws UsageError listing the registry for any other name.
const Sha256dKernel& find_kernel(std::string_view name);

/// The geometry of `kernel` on `device` with `threads_per_block` and `nonces_per_thread` (0
/// picks the occupancy API's block size and default_nonces_per_thread). A full launch is a
/// whole number of waves (resident blocks per SM x SMs), about target_launch_nonces. Throws
/// UsageError for a block size the kernel cannot run with on this device.
LaunchGeometry plan_geometry(int device, const Sha256dKernel& kernel, unsigned threads_per_block,
                             unsigned nonces_per_thread);

/// For a range smaller than one full launch, fewer nonces per thread so the range still spreads
/// over every SM; otherwise `g` unchanged.
LaunchGeometry fit_to_range(int device, LaunchGeometry g, uint64_t count);

/// The geometries the autotuner tries for each of `kernels`: a few block sizes (the occupancy
/// API's among them) times a few nonces-per-thread values.
std::vector<LaunchGeometry> autotune_candidates(int device,
                                                std::span<const Sha256dKernel* const> kernels);

/// Times single launches of the search on the real job, for the autotuner (tune/
/// cuda_sha256d_choice.hpp): cudaEvents around each launch, its candidates discarded.
class LaunchTimer {
 public:
  /// Launches search `job` from nonce `first` on `device`.
  LaunchTimer(int device, const sha256d::Job& job, uint32_t first);
  ~LaunchTimer();
  LaunchTimer(const LaunchTimer&) = delete;
  LaunchTimer& operator=(const LaunchTimer&) = delete;

  /// Nonces one timed launch of `g` covers: about 2^26, but one full wave at least, so no
  /// geometry is judged on a partly idle device, and one full launch at most.
  uint64_t trial_nonces(const LaunchGeometry& g) const;
  /// The first nonce of a launch of `n` nonces (`first`, kept inside the nonce space).
  uint32_t trial_start(uint64_t n) const;
  /// One launch of trial_nonces(g) nonces, timed on the device.
  measure::Trial time(const LaunchGeometry& g);

 private:
  struct State;
  int device_;
  sha256d::Job job_;
  uint32_t first_;
  std::unique_ptr<State> state_;
};

}  // namespace hashflop::cuda
