// Host-side launch API of the CUDA sha256d nonce-search kernel. Plain C++: the host library
// includes it without nvcc, so it exposes only runtime-API types.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "sha256d_job.hpp"

namespace hashflop::cuda {

/// What one launch writes to device memory. The candidate slots follow this header directly,
/// so one allocation (and one copy back) holds both.
struct SearchOutput {
  unsigned long long tested;  ///< nonces the threads tested: must equal the launch's count
  uint32_t hits;              ///< candidates found, including those that did not fit
  uint32_t overflow;          ///< nonzero when hits > capacity: some candidates were dropped
};

/// Bytes of a SearchOutput with `capacity` candidate slots.
constexpr size_t search_output_bytes(uint32_t capacity) {
  return sizeof(SearchOutput) + size_t{capacity} * sizeof(uint32_t);
}

/// The candidate slots behind a SearchOutput header.
HF_HD uint32_t* candidate_slots(SearchOutput* out) {
  return reinterpret_cast<uint32_t*>(out + 1);
}
HF_HD const uint32_t* candidate_slots(const SearchOutput* out) {
  return reinterpret_cast<const uint32_t*>(out + 1);
}

/// Blocks a launch of `count` nonces needs: exactly enough to cover it, never rounded up to a
/// "nice" grid. Threads past the end of the range test nothing.
constexpr uint64_t search_blocks(uint64_t count, unsigned threads_per_block,
                                 unsigned nonces_per_thread) {
  const uint64_t per_block = uint64_t{threads_per_block} * nonces_per_thread;
  return (count + per_block - 1) / per_block;
}

/// A compiled search kernel: one template instance of sha256d_search.cu's kernel.
using SearchKernelFn = void (*)(sha256d::Job, uint32_t, uint32_t, unsigned, SearchOutput*,
                                uint32_t);

/// One CUDA sha256d kernel variant: a registry line in sha256d_search.cu.
struct Sha256dKernel {
  const char* name;         ///< as `--variant` and results files spell it
  const char* description;  ///< how its rotates are computed
  SearchKernelFn kernel;
  /// Rotate amounts sent to the FMA pipe as IMAD + IMAD.HI, bit n for rotr(x, n); 0: none
  /// (imad_lane.cuh).
  uint32_t imad_rotates;
};

/// The registry as a range (std::span is C++20, and this header is also compiled as CUDA C++17).
struct Sha256dKernelList {
  const Sha256dKernel* first = nullptr;
  size_t count = 0;
  const Sha256dKernel* begin() const { return first; }
  const Sha256dKernel* end() const { return first + count; }
  size_t size() const { return count; }
  const Sha256dKernel& front() const { return *first; }
};

/// Every CUDA sha256d kernel compiled in, the default ("cuda") first.
Sha256dKernelList sha256d_kernels();

/// Enqueues a search of nonces [first, first + count) on `stream`. `out` must be zeroed (its
/// header) before the launch; `count` is at most 2^31 and first + count at most 2^32. Each
/// thread tests `nonces_per_thread` consecutive nonces. Returns the launch error, if any.
cudaError_t launch_sha256d_search(const Sha256dKernel& kernel, const sha256d::Job& job,
                                  uint32_t first, uint32_t count, unsigned threads_per_block,
                                  unsigned nonces_per_thread, SearchOutput* out, uint32_t capacity,
                                  cudaStream_t stream);

/// The occupancy API's suggestion for the kernel on the current device: the block size that
/// maximises occupancy, and the fewest blocks that fill the device at that size.
cudaError_t sha256d_search_suggested_geometry(const Sha256dKernel& kernel, int* min_grid_blocks,
                                              int* block_size);

/// Resident blocks per SM for `threads_per_block` on the current device.
cudaError_t sha256d_search_blocks_per_sm(const Sha256dKernel& kernel, unsigned threads_per_block,
                                         int* blocks);

/// The kernel's attributes (registers, binary version) on the current device. Fails with
/// cudaErrorNoKernelImageForDevice when this build carries no code the device can run.
cudaError_t sha256d_search_attributes(const Sha256dKernel& kernel, cudaFuncAttributes* attributes);

}  // namespace hashflop::cuda
