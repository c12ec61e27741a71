// fp32 -> bf16/fp16 rounding of an uploaded operand into the padded layout the tensor-core
// kernels and cublasGemmEx read. Runs once per operand set at bind time, never in a timed run.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "gemm_kernels.cuh"

namespace hashflop::cuda {
namespace {

template <class T>
__device__ __forceinline__ T round_to(float x);
template <>
__device__ __forceinline__ __nv_bfloat16 round_to<__nv_bfloat16>(float x) {
  return __float2bfloat16_rn(x);
}
template <>
__device__ __forceinline__ __half round_to<__half>(float x) {
  return __float2half_rn(x);
}

// Grid-stride over the padded destination, so any size works with a bounded grid; the padding
// columns get zeros, which the kernels rely on.
template <class T>
__global__ void convert_kernel(const float* src, int64_t rows, int64_t cols, T* dst, int64_t ld) {
  const int64_t total = rows * ld;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += stride) {
    const int64_t r = i / ld, c = i % ld;
    dst[i] = round_to<T>(c < cols ? src[r * cols + c] : 0.0f);
  }
}

}  // namespace

cudaError_t launch_convert_to_half(HalfKind kind, const float* src, int64_t rows, int64_t cols,
                                   void* dst, int64_t ld_dst, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0 || ld_dst < cols) return cudaErrorInvalidValue;
  constexpr int threads = 256;
  const int64_t blocks64 = (rows * ld_dst + threads - 1) / threads;
  const unsigned blocks = static_cast<unsigned>(blocks64 < 65536 ? blocks64 : 65536);
  if (kind == HalfKind::bf16) {
    convert_kernel<<<blocks, threads, 0, stream>>>(src, rows, cols,
                                                   static_cast<__nv_bfloat16*>(dst), ld_dst);
  } else {
    convert_kernel<<<blocks, threads, 0, stream>>>(src, rows, cols, static_cast<__half*>(dst),
                                                   ld_dst);
  }
  return cudaGetLastError();
}

}  // namespace hashflop::cuda
