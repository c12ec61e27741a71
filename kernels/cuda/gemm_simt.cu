// fp32 SIMT tiled GEMM. Each CTA (256 threads) computes a 128x128 block of C, stepping K by 8.
// Eight warps of 64x32 tile the block (2 along M, 4 along N); a warp's 32 lanes are 8x4 threads
// of 8x8 outputs, each thread's rows and columns split into two groups of four 32 (rows) or 16
// (columns) apart, so a k-step reads two float4 of A and two of B per thread from shared memory
// and does 64 FMAs.
//
// Shared memory, two stages (double buffering):
// - A is stored transposed, As[k][m], so a thread's four consecutive rows are one float4 read.
//   A is loaded global -> registers as one float4 (LDG.128) per thread, and stored transposed
//   after the compute of the current stage, overlapping the load latency with the FMAs. Rows are
//   padded by 4 floats: the 16 rows x 2 k-halves a warp stores land in 32 distinct banks.
// - B keeps its layout, Bs[k][n], and is copied with 16-byte cp.async (LDGSTS.128) straight
//   into the next stage. Reads of Bs are 4 distinct float4 per warp (broadcast), reads of As 8
//   distinct consecutive float4: both conflict-free.
// Tails: out-of-range A elements load as zero, out-of-range B chunks are zero-filled by
// cp.async with src-size 0, and the epilogue stores only inside C. When n, k or a leading
// dimension is not a multiple of 4 (simt_vector_access), the kVec = false instantiation uses
// guarded scalar loads, 4-byte cp.async and scalar stores instead.
#include "gemm_kernels.cuh"
#include "gemm_launch_args.cuh"

namespace hashflop::cuda {
namespace {

constexpr int kBm = simt_tile.bm, kBn = simt_tile.bn, kBk = simt_tile.bk;
constexpr int kThreads = simt_tile.threads;
constexpr int kPadA = 4;
static_assert(kBm * kBk == 4 * kThreads && kBn * kBk == 4 * kThreads, "one float4 per thread");

__device__ __forceinline__ unsigned smem_addr(const void* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

// 16-byte copy; src_bytes 0 writes 16 zero bytes without reading global memory.
__device__ __forceinline__ void cp_async16(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_addr(dst)), "l"(src),
               "r"(src_bytes));
}
__device__ __forceinline__ void cp_async4(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(smem_addr(dst)), "l"(src),
               "r"(src_bytes));
}
__device__ __forceinline__ void cp_async_commit_wait_all() {
  asm volatile("cp.async.commit_group;\ncp.async.wait_group 0;\n" ::: "memory");
}
__device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;\n" ::: "memory");
}

using Args = GemmArgs<float>;

// This thread's float4 of the A tile at depth k0: row tid / 2, columns (tid % 2) * 4 + 0..3.
template <bool kVec>
__device__ __forceinline__ float4 load_a(const Args& p, int m0, int k0) {
  const int row = m0 + static_cast<int>(threadIdx.x) / 2;
  const int col = k0 + (static_cast<int>(threadIdx.x) % 2) * 4;
  float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
  if (row >= p.m) return v;
  const float* src = p.a + row * p.lda + col;
  if constexpr (kVec) {
    // lda % 4 == 0 and col % 4 == 0: the chunk is wholly inside k or wholly past it.
    if (col < p.k) v = *reinterpret_cast<const float4*>(src);
  } else {
    if (col + 0 < p.k) v.x = src[0];
    if (col + 1 < p.k) v.y = src[1];
    if (col + 2 < p.k) v.z = src[2];
    if (col + 3 < p.k) v.w = src[3];
  }
  return v;
}

__device__ __forceinline__ void store_a(float (*as)[kBm + kPadA], float4 v) {
  const int row = static_cast<int>(threadIdx.x) / 2;
  const int col = (static_cast<int>(threadIdx.x) % 2) * 4;
  as[col + 0][row] = v.x;
  as[col + 1][row] = v.y;
  as[col + 2][row] = v.z;
  as[col + 3][row] = v.w;
}

// This thread's 16 bytes of the B tile: row tid / 32, columns (tid % 32) * 4 + 0..3.
template <bool kVec>
__device__ __forceinline__ void copy_b(const Args& p, float (*bs)[kBn], int n0, int k0) {
  const int r = static_cast<int>(threadIdx.x) / 32;
  const int c = (static_cast<int>(threadIdx.x) % 32) * 4;
  const int row = k0 + r, col = n0 + c;
  const bool row_ok = row < p.k;
  // An unread source must still be a valid address: point it at B itself.
  const float* src = row_ok ? p.b + row * p.ldb + col : p.b;
  if constexpr (kVec) {
    cp_async16(&bs[r][c], row_ok && col < p.n ? src : p.b, row_ok && col < p.n ? 16 : 0);
  } else {
    for (int i = 0; i < 4; ++i) {
      const bool ok = row_ok && col + i < p.n;
      cp_async4(&bs[r][c + i], ok ? src + i : p.b, ok ? 4 : 0);
    }
  }
}

template <bool kVec>
__device__ __forceinline__ void store_c4(const Args& p, int row, int col, const float (&acc)[4]) {
  float* dst = p.c + row * p.ldc + col;
  if (kVec && col + 3 < p.n) {
    float4 v = make_float4(p.alpha * acc[0], p.alpha * acc[1], p.alpha * acc[2], p.alpha * acc[3]);
    if (p.beta != 0.0f) {
      const float4 old = *reinterpret_cast<const float4*>(dst);
      v.x += p.beta * old.x;
      v.y += p.beta * old.y;
      v.z += p.beta * old.z;
      v.w += p.beta * old.w;
    }
    *reinterpret_cast<float4*>(dst) = v;
    return;
  }
  for (int j = 0; j < 4 && col + j < p.n; ++j) {
    dst[j] = p.alpha * acc[j] + (p.beta != 0.0f ? p.beta * dst[j] : 0.0f);
  }
}

template <bool kVec>
__global__ void __launch_bounds__(kThreads) gemm_simt_kernel(Args p) {
  __shared__ __align__(16) float as[2][kBk][kBm + kPadA];
  __shared__ __align__(16) float bs[2][kBk][kBn];

  const int m0 = static_cast<int>(blockIdx.y) * kBm, n0 = static_cast<int>(blockIdx.x) * kBn;
  const int warp = static_cast<int>(threadIdx.x) / 32, lane = static_cast<int>(threadIdx.x) % 32;
  // Warp tile origin inside the block, then the thread's first row and column in it.
  const int tm = (warp / 4) * 64 + (lane / 4) * 4;
  const int tn = (warp % 4) * 32 + (lane % 4) * 4;

  float acc[8][8] = {};
  const int tiles = (p.k + kBk - 1) / kBk;

  store_a(as[0], load_a<kVec>(p, m0, 0));
  copy_b<kVec>(p, bs[0], n0, 0);
  cp_async_commit_wait_all();
  __syncthreads();

  for (int t = 0; t < tiles; ++t) {
    const int cur = t & 1;
    const bool more = t + 1 < tiles;
    float4 next_a{};
    if (more) {
      next_a = load_a<kVec>(p, m0, (t + 1) * kBk);
      copy_b<kVec>(p, bs[cur ^ 1], n0, (t + 1) * kBk);
      cp_async_commit();
    }
#pragma unroll
    for (int kk = 0; kk < kBk; ++kk) {
      float a[8], b[8];
      *reinterpret_cast<float4*>(&a[0]) = *reinterpret_cast<const float4*>(&as[cur][kk][tm]);
      *reinterpret_cast<float4*>(&a[4]) = *reinterpret_cast<const float4*>(&as[cur][kk][tm + 32]);
      *reinterpret_cast<float4*>(&b[0]) = *reinterpret_cast<const float4*>(&bs[cur][kk][tn]);
      *reinterpret_cast<float4*>(&b[4]) = *reinterpret_cast<const float4*>(&bs[cur][kk][tn + 16]);
#pragma unroll
      for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
      }
    }
    if (more) {
      store_a(as[cur ^ 1], next_a);
      asm volatile("cp.async.wait_group 0;\n" ::: "memory");
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int row = m0 + tm + (i / 4) * 32 + i % 4;
    if (row >= p.m) continue;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int col = n0 + tn + h * 16;
      if (col >= p.n) continue;
      const float part[4] = {acc[i][4 * h], acc[i][4 * h + 1], acc[i][4 * h + 2],
                             acc[i][4 * h + 3]};
      store_c4<kVec>(p, row, col, part);
    }
  }
}

}  // namespace

cudaError_t launch_gemm_simt(const GemmLaunch& g, cudaStream_t stream) {
  if (!gemm_launch_in_contract(g)) return cudaErrorInvalidValue;
  const Args args = gemm_args<float>(g);
  const dim3 grid = gemm_grid(simt_tile, g.m, g.n);
  if (simt_vector_access(g.n, g.k, g.lda, g.ldb, g.ldc)) {
    gemm_simt_kernel<true><<<grid, kThreads, 0, stream>>>(args);
  } else {
    gemm_simt_kernel<false><<<grid, kThreads, 0, stream>>>(args);
  }
  return cudaGetLastError();
}

}  // namespace hashflop::cuda
