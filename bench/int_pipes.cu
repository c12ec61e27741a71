// The integer-pipe kernels. Every step reads only the previous step's words, so its `chains`
// instructions are independent of each other; each output mixes two or three chains, so no
// value is known at compile time and no run of steps can be folded into fewer instructions.
// scripts/sass_count.py --pipes checks the compiled loop bodies against PipeKernel::sass.
#include <type_traits>

#include "int_pipes.cuh"

namespace hashflop::cuda::pipes {
namespace {

// A funnel shift of two different words: unlike a rotate of one word, a chain of these cannot be
// merged into one shift. The amount is immaterial to the rate.
struct Shf {
  static __device__ __forceinline__ uint32_t apply(uint32_t a, uint32_t b, uint32_t, uint32_t) {
    return __funnelshift_r(a, b, 7);
  }
};

// Majority (LUT 0xE8), SHA-256's Maj: non-linear, so ptxas cannot merge two steps' LOP3s the way
// it can merge XORs.
struct Lop3 {
  static __device__ __forceinline__ uint32_t apply(uint32_t a, uint32_t b, uint32_t c, uint32_t) {
    uint32_t d;
    asm("lop3.b32 %0, %1, %2, %3, 0xe8;" : "=r"(d) : "r"(a), "r"(b), "r"(c));
    return d;
  }
};

struct Iadd3 {
  static __device__ __forceinline__ uint32_t apply(uint32_t a, uint32_t b, uint32_t c, uint32_t) {
    return a + b + c;
  }
};

// The multiplier is a kernel parameter (a constant-bank operand), as in the cuda-imad lanes.
struct Imad {
  static __device__ __forceinline__ uint32_t apply(uint32_t a, uint32_t b, uint32_t, uint32_t m) {
    return a * m + b;
  }
};

// No addend: IMAD.HI adds a 64-bit register pair, so `hi(a m) + b` costs a MOV per instruction
// to build the pair. Chains of one word each are still opaque, as m is unknown.
struct ImadHi {
  static __device__ __forceinline__ uint32_t apply(uint32_t a, uint32_t, uint32_t, uint32_t m) {
    return __umulhi(a, m);
  }
};

// Outputs First..First+Count-1 of one step. Chain i reads chains i, i+1 and i+3 of its group:
// the three pairs differ by 1, 2 and 3, so with 8 chains no pair of inputs is shared by two
// outputs and the compiler finds no common subexpression to reuse.
template <class Op, int First, int Count>
__device__ __forceinline__ void step(const uint32_t (&x)[chains], uint32_t (&y)[chains],
                                     uint32_t m) {
#pragma unroll
  for (int i = 0; i < Count; ++i) {
    y[First + i] =
        Op::apply(x[First + i], x[First + (i + 1) % Count], x[First + (i + 3) % Count], m);
  }
}

// One kind: all chains in one group. Two kinds: half the chains each, so the SM sees an even
// mix and can issue both pipes side by side if they are separate.
template <class A, class B>
__global__ void pipe_kernel(uint32_t iterations, uint32_t seed, uint32_t m, uint32_t* sink,
                            BlockClock* clocks) {
  const uint32_t tid = blockIdx.x * blockDim.x + threadIdx.x;
  uint32_t x[chains];
#pragma unroll
  for (int i = 0; i < chains; ++i) x[i] = (seed + static_cast<uint32_t>(i)) * 0x9e3779b9u ^ tid;
  // Every warp of the block starts and stops the clock together.
  __syncthreads();
  const long long start = clock64();
  for (uint32_t it = 0; it < iterations; ++it) {
#pragma unroll
    for (int s = 0; s < steps_per_iteration; ++s) {
      uint32_t y[chains];
      if constexpr (std::is_same_v<A, B>) {
        step<A, 0, chains>(x, y, m);
      } else {
        step<A, 0, chains / 2>(x, y, m);
        step<B, chains / 2, chains / 2>(x, y, m);
      }
#pragma unroll
      for (int i = 0; i < chains; ++i) x[i] = y[i];
    }
  }
  __syncthreads();
  const long long end = clock64();
  uint32_t folded = 0;
#pragma unroll
  for (int i = 0; i < chains; ++i) folded ^= x[i];
  sink[tid] = folded;
  if (threadIdx.x == 0) {
    uint32_t sm = 0;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
    clocks[blockIdx.x] = BlockClock{sm, 0, start, end};
  }
}

template <class A, class B>
cudaError_t launch(unsigned blocks, unsigned threads, uint32_t iterations, uint32_t seed,
                   uint32_t multiplier, uint32_t* sink, BlockClock* clocks, cudaStream_t stream) {
  pipe_kernel<A, B><<<blocks, threads, 0, stream>>>(iterations, seed, multiplier, sink, clocks);
  return cudaGetLastError();
}

template <class A, class B>
cudaError_t occupancy(unsigned threads, int* blocks_per_sm) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, pipe_kernel<A, B>,
                                                       static_cast<int>(threads), 0);
}

constexpr PipeKernel kernels[] = {
    {"shf", "SHF.R.W", launch<Shf, Shf>, occupancy<Shf, Shf>},
    {"lop3", "LOP3.LUT", launch<Lop3, Lop3>, occupancy<Lop3, Lop3>},
    {"iadd3", "IADD3", launch<Iadd3, Iadd3>, occupancy<Iadd3, Iadd3>},
    {"imad", "IMAD", launch<Imad, Imad>, occupancy<Imad, Imad>},
    {"imad.hi", "IMAD.HI", launch<ImadHi, ImadHi>, occupancy<ImadHi, ImadHi>},
    {"shf+imad", "SHF.R.W IMAD", launch<Shf, Imad>, occupancy<Shf, Imad>},
    {"shf+imad.hi", "SHF.R.W IMAD.HI", launch<Shf, ImadHi>, occupancy<Shf, ImadHi>},
};

}  // namespace

const PipeKernel* pipe_kernels_begin() {
  return kernels;
}
const PipeKernel* pipe_kernels_end() {
  return kernels + sizeof(kernels) / sizeof(kernels[0]);
}

}  // namespace hashflop::cuda::pipes
