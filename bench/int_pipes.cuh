// Integer-pipe microbenchmark kernels: each one issues a single kind of SASS instruction (or an
// even mix of two) in a long unrolled loop, to measure how many of them an SM retires per clock.
// Whether IMAD.HI shares the ALU pipe with SHF, and at what rate it runs, decides whether the
// `cuda-imad` sha256d lanes can beat the plain ones (docs/performance.md).
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace hashflop::cuda::pipes {

/// Independent dependency chains per thread, so latency never limits issue.
inline constexpr int chains = 8;
/// Steps per loop iteration: each step issues `chains` instructions of the kernel's kind.
inline constexpr int steps_per_iteration = 16;

/// What one block saw: the SM it ran on and that SM's clock64() before and after the loop.
struct BlockClock {
  uint32_t sm;
  uint32_t unused;
  long long start;
  long long end;
};

/// Launches one kernel: `blocks` x `threads`, each thread running `iterations` loop iterations.
/// `sink` takes one word per thread (keeps every chain live); `clocks` one record per block.
using PipeLaunch = cudaError_t (*)(unsigned blocks, unsigned threads, uint32_t iterations,
                                   uint32_t seed, uint32_t multiplier, uint32_t* sink,
                                   BlockClock* clocks, cudaStream_t stream);
/// Blocks of `threads` resident per SM for this kernel (the occupancy API).
using PipeOccupancy = cudaError_t (*)(unsigned threads, int* blocks_per_sm);

struct PipeKernel {
  const char* name;  ///< benchmark name part, e.g. "imad.hi"
  /// The SASS opcodes the loop body is made of, by share; scripts/sass_count.py checks them.
  const char* sass;
  PipeLaunch launch;
  PipeOccupancy occupancy;
};

/// Every kernel of this benchmark, in a fixed order.
const PipeKernel* pipe_kernels_begin();
const PipeKernel* pipe_kernels_end();

/// Instructions of interest one thread issues over `iterations`.
inline uint64_t instructions_per_thread(uint32_t iterations) {
  return uint64_t{iterations} * steps_per_iteration * chains;
}

}  // namespace hashflop::cuda::pipes
