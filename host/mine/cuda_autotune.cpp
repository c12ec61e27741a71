#include "mine/cuda_autotune.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "common/measure.hpp"
#include "cuda/cuda_raii.hpp"
#include "sha256d_search.cuh"

namespace hashflop::cuda {
namespace {

struct Occupancy {
  unsigned sm_count = 0;
  unsigned suggested_block = 0;
  unsigned max_block = 0;
};

Occupancy occupancy(int device, const Sha256dKernel& kernel) {
  DeviceScope scope(device);
  Occupancy o;
  int sms = 0, max_block = 0, min_grid = 0, block = 0;
  HF_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  HF_CUDA_CHECK(sha256d_search_suggested_geometry(kernel, &min_grid, &block));
  cudaFuncAttributes attributes{};
  HF_CUDA_CHECK(sha256d_search_attributes(kernel, &attributes));
  max_block = attributes.maxThreadsPerBlock;
  o.sm_count = static_cast<unsigned>(sms);
  o.suggested_block = static_cast<unsigned>(block);
  o.max_block = static_cast<unsigned>(max_block);
  return o;
}

/// Blocks resident on the whole device at once for this block size.
unsigned wave_blocks(int device, const Sha256dKernel& kernel, unsigned threads_per_block,
                     const Occupancy& o) {
  DeviceScope scope(device);
  int per_sm = 0;
  HF_CUDA_CHECK(sha256d_search_blocks_per_sm(kernel, threads_per_block, &per_sm));
  return std::max(1u, static_cast<unsigned>(per_sm)) * o.sm_count;
}

}  // namespace

std::vector<const Sha256dKernel*> all_kernels() {
  std::vector<const Sha256dKernel*> out;
  for (const auto& k : sha256d_kernels()) out.push_back(&k);
  return out;
}

const Sha256dKernel& find_kernel(std::string_view name) {
  std::string names;
  for (const auto& k : sha256d_kernels()) {
    if (name == k.name) return k;
    names += (names.empty() ? "" : ", ") + std::string(k.name);
  }
  throw UsageError(fmt::format("unknown CUDA variant '{}' (this device runs: {})", name, names));
}

LaunchGeometry plan_geometry(int device, const Sha256dKernel& kernel, unsigned threads_per_block,
                             unsigned nonces_per_thread) {
  const auto o = occupancy(device, kernel);
  LaunchGeometry g;
  g.kernel = &kernel;
  g.threads_per_block = threads_per_block != 0 ? threads_per_block : o.suggested_block;
  g.nonces_per_thread = nonces_per_thread != 0 ? nonces_per_thread : default_nonces_per_thread;
  if (g.threads_per_block > o.max_block) {
    throw UsageError(fmt::format("{} threads per block: the search kernel allows at most {} here",
                                 g.threads_per_block, o.max_block));
  }
  const unsigned wave = wave_blocks(device, kernel, g.threads_per_block, o);
  const uint64_t wave_nonces = uint64_t{wave} * g.threads_per_block * g.nonces_per_thread;
  // Whole waves, so no launch ends on a partly idle device; at most 2^31 nonces per launch.
  const uint64_t limit = uint64_t{1} << 31;
  uint64_t waves = std::max<uint64_t>(1, (target_launch_nonces + wave_nonces / 2) / wave_nonces);
  while (waves > 1 && waves * wave_nonces > limit) --waves;
  uint64_t blocks = waves * wave;
  if (blocks * g.threads_per_block * g.nonces_per_thread > limit) {
    blocks = limit / (uint64_t{g.threads_per_block} * g.nonces_per_thread);  // huge npt only
  }
  g.blocks = static_cast<unsigned>(std::max<uint64_t>(1, blocks));
  return g;
}

LaunchGeometry fit_to_range(int device, LaunchGeometry g, uint64_t count) {
  if (count >= g.nonces_per_launch()) return g;
  const auto o = occupancy(device, *g.kernel);
  const uint64_t threads =
      uint64_t{wave_blocks(device, *g.kernel, g.threads_per_block, o)} * g.threads_per_block;
  const uint64_t npt =
      std::clamp<uint64_t>((count + threads - 1) / threads, 1, g.nonces_per_thread);
  g.nonces_per_thread = static_cast<unsigned>(npt);
  g.blocks = static_cast<unsigned>(
      std::max<uint64_t>(1, search_blocks(count, g.threads_per_block, g.nonces_per_thread)));
  return g;
}

std::vector<LaunchGeometry> autotune_candidates(int device,
                                                std::span<const Sha256dKernel* const> kernels) {
  std::vector<LaunchGeometry> out;
  for (const auto* kernel : kernels) {
    const auto o = occupancy(device, *kernel);
    std::vector<unsigned> blocks{o.suggested_block, 128, 256, 512};
    std::erase_if(blocks, [&](unsigned b) { return b == 0 || b > o.max_block; });
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    for (unsigned tpb : blocks) {
      for (unsigned npt : {16u, 64u, 256u}) out.push_back(plan_geometry(device, *kernel, tpb, npt));
    }
  }
  return out;
}

struct LaunchTimer::State {
  // Trials discard candidates; an overflow only sets a flag.
  static constexpr uint32_t capacity = 4096;
  DeviceBuffer<unsigned char> out{search_output_bytes(capacity)};
  Stream stream;
  Event start, stop;
};

LaunchTimer::LaunchTimer(int device, const sha256d::Job& job, uint32_t first)
    : device_(device), job_(job), first_(first) {
  DeviceScope scope(device_);
  state_ = std::make_unique<State>();
}

LaunchTimer::~LaunchTimer() {
  DeviceScope scope(device_);
  state_.reset();
}

uint64_t LaunchTimer::trial_nonces(const LaunchGeometry& g) const {
  const auto o = occupancy(device_, *g.kernel);
  const uint64_t wave = uint64_t{wave_blocks(device_, *g.kernel, g.threads_per_block, o)} *
                        g.threads_per_block * g.nonces_per_thread;
  return std::max<uint64_t>(1, std::min(g.nonces_per_launch(), std::max(wave, uint64_t{1} << 26)));
}

uint32_t LaunchTimer::trial_start(uint64_t n) const {
  return static_cast<uint32_t>(std::min<uint64_t>(first_, (uint64_t{1} << 32) - n));
}

measure::Trial LaunchTimer::time(const LaunchGeometry& g) {
  DeviceScope scope(device_);
  const uint64_t n = trial_nonces(g);
  auto* header = reinterpret_cast<SearchOutput*>(state_->out.get());
  cudaStream_t stream = state_->stream.get();
  HF_CUDA_CHECK(cudaMemsetAsync(header, 0, sizeof(SearchOutput), stream));
  state_->start.record(stream);
  HF_CUDA_CHECK(launch_sha256d_search(*g.kernel, job_, trial_start(n), static_cast<uint32_t>(n),
                                      g.threads_per_block, g.nonces_per_thread, header,
                                      State::capacity, stream));
  state_->stop.record(stream);
  state_->stop.synchronize();
  return {static_cast<double>(n), state_->stop.milliseconds_since(state_->start) / 1e3};
}

}  // namespace hashflop::cuda
