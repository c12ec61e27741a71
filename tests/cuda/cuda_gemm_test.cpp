// The CUDA GEMM variants (ours and cuBLAS) against the fp64 reference, for every dtype each
// supports, on shapes that hit every edge path: 1x1x1, K = 1, odd sizes, each CTA tile +-1 in
// every dimension, and one large product. GPU tests skip with the reason when no device is
// usable; the host-side tile and alignment rules and the dtype matrix are checked always.
#include <algorithm>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend/backend.hpp"
#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_runner.hpp"
#include "gemm/gemm_variants.hpp"
#include "gemm_kernels.cuh"

namespace hashflop::gemm {
namespace {

std::vector<const GemmVariant*> cuda_variants() {
  std::vector<const GemmVariant*> v;
  for (const auto& g : gemm_variants()) {
    if (g.device == DeviceKind::cuda) v.push_back(&g);
  }
  return v;
}

// --- Always run: no GPU needed. ---

TEST(CudaGemmRules, VectorAccessNeedsFourFloatRows) {
  EXPECT_TRUE(cuda::simt_vector_access(1024, 512, 512, 1024, 1024));
  EXPECT_FALSE(cuda::simt_vector_access(257, 129, 129, 257, 257));  // odd n and k
  EXPECT_FALSE(cuda::simt_vector_access(256, 130, 130, 256, 256));  // k % 4 != 0
  EXPECT_FALSE(cuda::simt_vector_access(256, 128, 130, 256, 256));  // padded but misaligned lda
  EXPECT_FALSE(cuda::simt_vector_access(1, 1, 1, 1, 1));
}

TEST(CudaGemmRules, HalfRowsPadToSixteenBytes) {
  EXPECT_EQ(cuda::half_padded_ld(1), 8);
  EXPECT_EQ(cuda::half_padded_ld(8), 8);
  EXPECT_EQ(cuda::half_padded_ld(9), 16);
  EXPECT_EQ(cuda::half_padded_ld(129), 136);
}

TEST(CudaGemmRules, GridCoversTails) {
  const dim3 g = cuda::gemm_grid(cuda::simt_tile, 129, 257);
  EXPECT_EQ(g.x, 3u);  // columns: 257 = 2 * 128 + 1
  EXPECT_EQ(g.y, 2u);
  const dim3 one = cuda::gemm_grid(cuda::mma_tile, 1, 1);
  EXPECT_EQ(one.x, 1u);
  EXPECT_EQ(one.y, 1u);
}

TEST(CudaGemmRules, TilesFitTheHardware) {
  // 8 warps, and dynamic shared memory within sm_80's 163 KiB per block.
  EXPECT_EQ(cuda::simt_tile.threads, 256);
  EXPECT_EQ(cuda::mma_tile.threads, 256);
  EXPECT_LE(cuda::mma_smem_bytes(), 163 * 1024);
  EXPECT_EQ(cuda::mma_tile.bk % 16, 0);  // whole m16n8k16 steps
}

TEST(CudaGemmRegistry, EveryDtypeHasARowAndUnsupportedOnesSayWhy) {
  const auto variants = cuda_variants();
  std::vector<std::string> names;
  for (const auto* v : variants) names.emplace_back(v->name);
  for (const char* want :
       {"cuda-simt", "cuda-mma", "cublas-sgemm", "cublas-tf32", "cublas-gemmex"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  // The dtype matrix, checked before the device, so it holds on any machine.
  const std::vector<std::pair<std::string, Dtype>> unsupported = {
      {"cuda-simt", Dtype::tf32},   {"cuda-simt", Dtype::bf16},     {"cuda-simt", Dtype::fp16},
      {"cuda-mma", Dtype::fp32},    {"cuda-mma", Dtype::tf32},      {"cublas-sgemm", Dtype::bf16},
      {"cublas-tf32", Dtype::fp32}, {"cublas-gemmex", Dtype::fp32}, {"cublas-gemmex", Dtype::tf32},
  };
  for (const auto& [name, dtype] : unsupported) {
    const auto* v = find_gemm_variant(name);
    ASSERT_NE(v, nullptr) << name;
    EXPECT_FALSE(v->unavailable(dtype).empty()) << name << " " << dtype_name(dtype);
  }
  // Each dtype has at least one CUDA variant that computes it.
  for (Dtype d : all_dtypes) {
    int runnable = 0;
    for (const auto* v : variants) runnable += v->takes(d);
    EXPECT_GE(runnable, 1) << dtype_name(d);
  }
}

// --- GPU: every variant x supported dtype against the fp64 reference. ---

struct Param {
  const GemmVariant* variant;
  Dtype dtype;
};

// gtest would otherwise print the struct's bytes, padding included.
void PrintTo(const Param& p, std::ostream* os) {
  *os << p.variant->name << "/" << dtype_name(p.dtype);
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  std::string n =
      std::string(info.param.variant->name) + "_" + std::string(dtype_name(info.param.dtype));
  for (auto& ch : n) ch = ch == '-' ? '_' : ch;
  return n;
}

std::vector<Param> supported_pairs() {
  // Every dtype a variant takes is a test; one that cannot run here (no device, no cuBLAS)
  // skips with the reason instead of vanishing.
  std::vector<Param> out;
  for (const auto* v : cuda_variants()) {
    for (Dtype d : all_dtypes) {
      if (v->takes(d)) out.push_back({v, d});
    }
  }
  return out;
}

class CudaGemmTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    if (const auto reason = cuda_unavailable_reason()) {
      GTEST_SKIP() << "no CUDA device: " << *reason;
    }
    if (auto why = GetParam().variant->unavailable(GetParam().dtype); !why.empty()) {
      GTEST_SKIP() << why;
    }
  }

  // One product through the executor, C NaN-poisoned when beta == 0.
  void expect_passes(const GemmShape& s, float alpha = 1.0f, float beta = 0.0f) {
    const uint64_t seed = 77 + static_cast<uint64_t>(s.m * 31 + s.n * 7 + s.k);
    std::vector<float> a(static_cast<size_t>(s.m * s.k)), b(static_cast<size_t>(s.k * s.n)),
        c(static_cast<size_t>(s.m * s.n), std::numeric_limits<float>::quiet_NaN()), before;
    fill_random(a, seed);
    fill_random(b, seed + 1);
    if (beta != 0.0f) {
      fill_random(c, seed + 2);
      before = c;
    }
    const Dtype d = GetParam().dtype;
    auto exec =
        GetParam().variant->prepare({s, d, alpha, beta, 0, {DeviceKind::cuda, 0}, std::nullopt});
    const HostOperands ops{a.data(), b.data(), c.data()};
    exec->bind({&ops, 1});
    exec->run(0);
    exec->synchronize();
    exec->fetch_c(0);
    const auto r = verify_gemm(s, d, alpha, beta, a, b, before, c, seed);
    EXPECT_EQ(r.verdict, Verdict::passed)
        << GetParam().variant->name << " " << dtype_name(d) << " " << s.str() << " alpha " << alpha
        << " beta " << beta << ": rel_error " << r.rel_error << " tol " << r.tolerance
        << " non-finite " << r.non_finite << " (" << exec->settings() << ")";
  }

  // The tile whose edges matter: ours for our kernels, the mma tile for cuBLAS (any is fine).
  cuda::GemmTile tile() const {
    return GetParam().variant->name == "cuda-simt" ? cuda::simt_tile : cuda::mma_tile;
  }
};

TEST_P(CudaGemmTest, OneByOneByOne) {
  expect_passes({1, 1, 1});
  expect_passes({1, 1, 1}, -0.5f, 0.75f);
}

TEST_P(CudaGemmTest, OddSizes) {
  expect_passes({127, 257, 129});
  expect_passes({127, 257, 129}, 1.5f, -0.25f);
}

TEST_P(CudaGemmTest, TileEdgesPlusMinusOne) {
  const auto t = tile();
  for (int d : {-1, 1}) {
    expect_passes({t.bm + d, t.bn, t.bk});
    expect_passes({t.bm, t.bn + d, t.bk});
    expect_passes({t.bm, t.bn, t.bk + d});
  }
}

TEST_P(CudaGemmTest, DepthOne) {
  expect_passes({65, 70, 1});
  expect_passes({130, 260, 1}, 2.0f, 0.5f);
}

TEST_P(CudaGemmTest, AlignedTails) {
  // Multiples of 4 (the SIMT kernel's vector path) that are not multiples of any tile.
  expect_passes({132, 260, 36});
}

TEST_P(CudaGemmTest, Large) {
  expect_passes({1024, 1024, 512});
  expect_passes({1024, 1024, 512}, 0.5f, 1.0f);
}

// The whole runner path: sets past the L2, CUDA-event timing, verification.
TEST_P(CudaGemmTest, RunnerVerifiesAndTimes) {
  GemmRunRequest req;
  req.shape = {256, 256, 256};
  req.dtype = GetParam().dtype;
  req.repetitions = 2;
  req.seed = 5;
  req.device = {DeviceKind::cuda, 0};  // unset, a CUDA variant's result said "cpu"
  const auto r = run_gemm(*GetParam().variant, req);
  EXPECT_EQ(r.verification, Verdict::passed) << r.reason << " rel_error " << r.rel_error;
  EXPECT_GE(r.input_sets, 2);
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_GT(r.seconds, 0.0);
  EXPECT_EQ(r.device, "cuda:0");
}

INSTANTIATE_TEST_SUITE_P(Cuda, CudaGemmTest, ::testing::ValuesIn(supported_pairs()), param_name);

}  // namespace
}  // namespace hashflop::gemm
