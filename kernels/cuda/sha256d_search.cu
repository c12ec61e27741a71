// CUDA sha256d nonce search on the shared SHA-256 core.
//
// One thread tests `nonces_per_thread` consecutive nonces with everything in registers: the job
// arrives by value as a kernel argument (constant bank, so its words are direct instruction
// operands), and hash_word7 stops the second hash at round 60. On sm_80+ the core's rotates
// compile to SHF, choose/majority and the three-way XORs to LOP3, byte swaps to PRMT and most
// additions to three-input IADD3; docs/performance.md counts them. The kernel is compiled for
// plain uint32_t lanes and for ImadLane<mask>, which moves the rotates in its mask to the FMA
// pipe: one instance per rotate split, so the autotuner finds the ALU/FMA balance point.
#include "imad_lane.cuh"
#include "sha256d_search.cuh"

namespace hashflop::cuda {
namespace {

HF_HD uint32_t lane_value(uint32_t x) {
  return x;
}
template <uint32_t M>
HF_HD uint32_t lane_value(ImadLane<M> x) {
  return x.v;
}

template <class V>
__global__ void sha256d_search_kernel(const sha256d::Job job, uint32_t first, uint32_t count,
                                      unsigned nonces_per_thread, SearchOutput* out,
                                      uint32_t capacity) {
  // 64-bit, because thread index * nonces_per_thread can pass 2^32 on a large grid.
  const uint64_t thread = uint64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  const uint64_t begin = thread * nonces_per_thread;
  // Threads past the end of the range test nothing; the last thread may test fewer.
  const uint32_t n =
      begin < count ? static_cast<uint32_t>(min(uint64_t{nonces_per_thread}, count - begin)) : 0;
  uint32_t nonce = first + static_cast<uint32_t>(begin);

  // One copy of the ~2,500-instruction body: unrolling would only spill the instruction cache.
#pragma unroll 1
  for (uint32_t i = 0; i < n; ++i, ++nonce) {
    const uint32_t h7 = lane_value(sha256d::hash_word7<V>(job, V{sha256::byte_swap(nonce)}));
    if (sha256::byte_swap(h7) <= job.target_top) {
      const uint32_t slot = atomicAdd(&out->hits, 1u);
      if (slot < capacity) {
        candidate_slots(out)[slot] = nonce;
      } else {
        out->overflow = 1;  // the host rescans this launch's range
      }
    }
  }

  // Count what was tested, one atomic per group of converged lanes rather than per thread:
  // the host checks the total against the launch's count.
  const unsigned lanes = __activemask();
  const unsigned sum = __reduce_add_sync(lanes, n);
  if ((threadIdx.x % 32) == static_cast<unsigned>(__ffs(static_cast<int>(lanes)) - 1) && sum != 0) {
    atomicAdd(&out->tested, static_cast<unsigned long long>(sum));
  }
}

}  // namespace

// The registry: adding a kernel variant (another lane type, another rotate split) is one line.
// The last field is the rotate mask (imad_lane.cuh): the host tests check each mask's lane
// against plain lanes, and fail on a mask they do not know.
constexpr Sha256dKernel kernels[] = {
    {"cuda", "every rotate one funnel shift (SHF) on the ALU pipe", sha256d_search_kernel<uint32_t>,
     0},
    {"cuda-imad-schedule",
     "the message schedule's rotates by 7, 18 (sigma0) and 17, 19 (sigma1) as IMAD + IMAD.HI on "
     "the FMA pipe",
     sha256d_search_kernel<ImadLane<imad_split::schedule>>, imad_split::schedule},
    {"cuda-imad", "rotates by 2, 13, 22 (Sigma0) and 6 (Sigma1) as IMAD + IMAD.HI on the FMA pipe",
     sha256d_search_kernel<ImadLane<imad_split::sigma0_and_6>>, imad_split::sigma0_and_6},
    {"cuda-imad-big5",
     "rotates by 2, 13, 22 (Sigma0) and 6, 11 (Sigma1) as IMAD + IMAD.HI on the FMA pipe",
     sha256d_search_kernel<ImadLane<imad_split::big_five>>, imad_split::big_five},
    {"cuda-imad-big6",
     "every compression rotate, 2, 13, 22 (Sigma0) and 6, 11, 25 (Sigma1), as IMAD + IMAD.HI on "
     "the FMA pipe",
     sha256d_search_kernel<ImadLane<imad_split::big_six>>, imad_split::big_six},
};

Sha256dKernelList sha256d_kernels() {
  return {kernels, sizeof kernels / sizeof kernels[0]};
}

cudaError_t launch_sha256d_search(const Sha256dKernel& kernel, const sha256d::Job& job,
                                  uint32_t first, uint32_t count, unsigned threads_per_block,
                                  unsigned nonces_per_thread, SearchOutput* out, uint32_t capacity,
                                  cudaStream_t stream) {
  if (count == 0) return cudaSuccess;
  if (threads_per_block == 0 || nonces_per_thread == 0 || count > (uint32_t{1} << 31) ||
      uint64_t{first} + count > (uint64_t{1} << 32)) {
    return cudaErrorInvalidValue;
  }
  const uint64_t blocks = search_blocks(count, threads_per_block, nonces_per_thread);
  kernel.kernel<<<static_cast<unsigned>(blocks), threads_per_block, 0, stream>>>(
      job, first, count, nonces_per_thread, out, capacity);
  return cudaGetLastError();
}

cudaError_t sha256d_search_suggested_geometry(const Sha256dKernel& kernel, int* min_grid_blocks,
                                              int* block_size) {
  return cudaOccupancyMaxPotentialBlockSize(min_grid_blocks, block_size, kernel.kernel);
}

cudaError_t sha256d_search_blocks_per_sm(const Sha256dKernel& kernel, unsigned threads_per_block,
                                         int* blocks) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks, kernel.kernel,
                                                       static_cast<int>(threads_per_block), 0);
}

cudaError_t sha256d_search_attributes(const Sha256dKernel& kernel, cudaFuncAttributes* attributes) {
  return cudaFuncGetAttributes(attributes, kernel.kernel);
}

}  // namespace hashflop::cuda
