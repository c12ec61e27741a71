// Tensor-core GEMM with mma.sync.aligned.m16n8k16 (bf16 or fp16 in, fp32 accumulate), sm_80+.
// Each CTA (256 threads) computes a 128x128 block of C, stepping K by 32. Eight warps of 64x32
// tile the block (2 along M, 4 along N); per 16-deep k-step a warp loads four A fragments
// (ldmatrix.x4) and four B fragments (two ldmatrix.x4.trans) and issues 16 MMAs.
//
// Shared memory, three stages filled by 16-byte cp.async (LDGSTS.128, L1 bypassed) while the
// tensor cores work on the oldest one:
// - A tile 128x32 row-major, rows padded from 64 to 80 bytes; B tile 32x128 row-major, rows
//   padded from 256 to 272 bytes. Each 8-row phase of an ldmatrix then reads 8 rows whose
//   16-byte pieces fall in 8 different 16-byte bank groups (80 r mod 128 and 272 r mod 128 are
//   distinct for r = 0..7): no bank conflicts, for 25% (A) and 6% (B) more shared memory than a
//   swizzle would need, in exchange for plain address arithmetic.
// - B stays K x N in shared memory; ldmatrix.trans turns its 8x8 pieces into the k-major
//   ("col") fragments the MMA wants, so no transposed copy of B is ever made.
// Tails: the upload pads rows to a multiple of 8 elements with zeros (half_padded_ld), so a
// 16-byte chunk is either wholly inside the matrix or wholly outside it; outside chunks are
// zero-filled by cp.async with src-size 0 and contribute nothing. The epilogue stores only inside
// C, as float2 where the row allows.
#include <cstdint>

#include "gemm_kernels.cuh"
#include "gemm_launch_args.cuh"

namespace hashflop::cuda {
namespace {

constexpr int kBm = mma_tile.bm, kBn = mma_tile.bn, kBk = mma_tile.bk;
constexpr int kThreads = mma_tile.threads, kStages = mma_tile.stages;
constexpr int kLdA = kBk + 8, kLdB = kBn + 8;  // padded shared-memory rows, in elements
constexpr int kStageElems = kBm * kLdA + kBk * kLdB;
static_assert(mma_smem_bytes() == kStages * kStageElems * 2, "header and kernel agree");

using half_t = uint16_t;  // raw 16-bit storage; only the MMA interprets it

__device__ __forceinline__ unsigned smem_addr(const void* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void cp_async16(const half_t* dst, const half_t* src, bool ok) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_addr(dst)), "l"(src),
               "r"(ok ? 16 : 0));
}

__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], const half_t* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(smem_addr(p)));
}
__device__ __forceinline__ void ldmatrix_x4_trans(unsigned (&r)[4], const half_t* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(smem_addr(p)));
}

template <bool kBf16>
__device__ __forceinline__ void mma(float (&d)[4], const unsigned (&a)[4], unsigned b0,
                                    unsigned b1) {
  if constexpr (kBf16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
}

using Args = GemmArgs<half_t>;

// Two 16-byte chunks of A (128 rows x 4 chunks) and two of B (32 rows x 16 chunks) per thread.
__device__ __forceinline__ void load_stage(const Args& p, half_t* stage, int m0, int n0, int k0) {
  half_t* as = stage;
  half_t* bs = stage + kBm * kLdA;
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const int id = static_cast<int>(threadIdx.x) + i * kThreads;
    const int ar = id / 4, ac = (id % 4) * 8;
    const bool a_ok = m0 + ar < p.m && k0 + ac < p.k;
    cp_async16(as + ar * kLdA + ac, a_ok ? p.a + (m0 + ar) * p.lda + k0 + ac : p.a, a_ok);
    const int br = id / 16, bc = (id % 16) * 8;
    const bool b_ok = k0 + br < p.k && n0 + bc < p.n;
    cp_async16(bs + br * kLdB + bc, b_ok ? p.b + (k0 + br) * p.ldb + n0 + bc : p.b, b_ok);
  }
}

template <bool kBf16>
__global__ void __launch_bounds__(kThreads) gemm_mma_kernel(Args p) {
  extern __shared__ __align__(128) half_t smem[];
  const int m0 = static_cast<int>(blockIdx.y) * kBm, n0 = static_cast<int>(blockIdx.x) * kBn;
  const int warp = static_cast<int>(threadIdx.x) / 32, lane = static_cast<int>(threadIdx.x) % 32;
  const int wm = (warp / 4) * 64, wn = (warp % 4) * 32;

  float acc[4][4][4] = {};
  const int tiles = (p.k + kBk - 1) / kBk;

#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < tiles) load_stage(p, smem + s * kStageElems, m0, n0, s * kBk);
    asm volatile("cp.async.commit_group;\n" ::: "memory");
  }

  for (int t = 0; t < tiles; ++t) {
    // Groups committed so far: kStages - 1 + t; this leaves the newest kStages - 2 in flight,
    // so tile t has landed. The barrier also retires every warp's reads of the stage refilled
    // below, which held tile t - 1.
    asm volatile("cp.async.wait_group %0;\n" ::"n"(kStages - 2) : "memory");
    __syncthreads();
    const int next = t + kStages - 1;
    if (next < tiles) load_stage(p, smem + (next % kStages) * kStageElems, m0, n0, next * kBk);
    asm volatile("cp.async.commit_group;\n" ::: "memory");  // empty groups keep the count

    const half_t* as = smem + (t % kStages) * kStageElems;
    const half_t* bs = as + kBm * kLdA;
#pragma unroll
    for (int kk = 0; kk < kBk; kk += 16) {
      unsigned a[4][4], b[2][4];
#pragma unroll
      for (int mi = 0; mi < 4; ++mi) {
        ldmatrix_x4(a[mi], as + (wm + mi * 16 + lane % 16) * kLdA + kk + (lane / 16) * 8);
      }
#pragma unroll
      for (int nj = 0; nj < 2; ++nj) {
        ldmatrix_x4_trans(b[nj], bs + (kk + lane % 16) * kLdB + wn + nj * 16 + (lane / 16) * 8);
      }
#pragma unroll
      for (int mi = 0; mi < 4; ++mi) {
#pragma unroll
        for (int ni = 0; ni < 4; ++ni) {
          mma<kBf16>(acc[mi][ni], a[mi], b[ni / 2][(ni % 2) * 2], b[ni / 2][(ni % 2) * 2 + 1]);
        }
      }
    }
  }
  asm volatile("cp.async.wait_group 0;\n" ::: "memory");

  // Accumulator layout: d0, d1 at (row g, columns 2q, 2q+1), d2, d3 at row g + 8; g = lane / 4,
  // q = lane % 4.
  const bool pairs = p.ldc % 2 == 0;
#pragma unroll
  for (int mi = 0; mi < 4; ++mi) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = m0 + wm + mi * 16 + lane / 4 + h * 8;
      if (row >= p.m) continue;
#pragma unroll
      for (int ni = 0; ni < 4; ++ni) {
        const int col = n0 + wn + ni * 8 + (lane % 4) * 2;
        if (col >= p.n) continue;
        float* dst = p.c + row * p.ldc + col;
        float v0 = p.alpha * acc[mi][ni][2 * h], v1 = p.alpha * acc[mi][ni][2 * h + 1];
        if (pairs && col + 1 < p.n) {
          if (p.beta != 0.0f) {
            const float2 old = *reinterpret_cast<const float2*>(dst);
            v0 += p.beta * old.x;
            v1 += p.beta * old.y;
          }
          *reinterpret_cast<float2*>(dst) = make_float2(v0, v1);
        } else {
          dst[0] = v0 + (p.beta != 0.0f ? p.beta * dst[0] : 0.0f);
          if (col + 1 < p.n) dst[1] = v1 + (p.beta != 0.0f ? p.beta * dst[1] : 0.0f);
        }
      }
    }
  }
}

template <bool kBf16>
cudaError_t launch(const Args& args, cudaStream_t stream) {
  // Above 48 KiB dynamic shared memory must be opted into (per device; cheap to repeat).
  const cudaError_t err = cudaFuncSetAttribute(
      gemm_mma_kernel<kBf16>, cudaFuncAttributeMaxDynamicSharedMemorySize, mma_smem_bytes());
  if (err != cudaSuccess) return err;
  gemm_mma_kernel<kBf16>
      <<<gemm_grid(mma_tile, args.m, args.n), kThreads, mma_smem_bytes(), stream>>>(args);
  return cudaGetLastError();
}

}  // namespace

namespace {

template <bool kBf16>
cudaError_t launch_checked(const GemmLaunch& g, cudaStream_t stream) {
  if (!gemm_launch_in_contract(g) || g.lda % 8 != 0 || g.ldb % 8 != 0) {
    return cudaErrorInvalidValue;
  }
  return launch<kBf16>(gemm_args<half_t>(g), stream);
}

}  // namespace

cudaError_t launch_gemm_mma_bf16(const GemmLaunch& args, cudaStream_t stream) {
  return launch_checked<true>(args, stream);
}

cudaError_t launch_gemm_mma_fp16(const GemmLaunch& args, cudaStream_t stream) {
  return launch_checked<false>(args, stream);
}

}  // namespace hashflop::cuda
