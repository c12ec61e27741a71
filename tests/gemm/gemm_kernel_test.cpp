// Every CPU GEMM variant (ours and OpenBLAS) against the fp64 reference, on shapes chosen to hit
// every edge path: 1x1x1, K = 1, odd sizes, and each register tile +-1 in every dimension.
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_runner.hpp"
#include "gemm/gemm_variants.hpp"
#include "gemm_cpu.hpp"

namespace hashflop::gemm {
namespace {

struct Case {
  GemmShape shape;
  float alpha, beta;
};

// Runs one product through the variant's executor and returns the verification.
VerifyResult check(const GemmVariant& v, const Case& c, unsigned threads, uint64_t seed) {
  const GemmShape& s = c.shape;
  std::vector<float> a(static_cast<size_t>(s.m * s.k)), b(static_cast<size_t>(s.k * s.n)),
      out(static_cast<size_t>(s.m * s.n), std::numeric_limits<float>::quiet_NaN()), before;
  fill_random(a, seed);
  fill_random(b, seed + 1);
  if (c.beta != 0.0f) {
    fill_random(out, seed + 2);
    before = out;
  }
  auto exec = v.prepare({s, Dtype::fp32, c.alpha, c.beta, threads, DeviceRef{}, std::nullopt});
  const HostOperands ops{a.data(), b.data(), out.data()};
  exec->bind({&ops, 1});
  exec->run(0);
  exec->synchronize();
  exec->fetch_c(0);
  return verify_gemm(s, Dtype::fp32, c.alpha, c.beta, a, b, before, out, seed);
}

class GemmVariantTest : public ::testing::TestWithParam<const GemmVariant*> {
 protected:
  void SetUp() override {
    if (auto why = GetParam()->unavailable(Dtype::fp32); !why.empty()) GTEST_SKIP() << why;
  }
  void expect_passes(const Case& c, unsigned threads = 2) {
    const auto r = check(*GetParam(), c, threads, 1234 + static_cast<uint64_t>(c.shape.m));
    EXPECT_EQ(r.verdict, Verdict::passed)
        << GetParam()->name << " " << c.shape.str() << " alpha " << c.alpha << " beta " << c.beta
        << ": rel_error " << r.rel_error << " tol " << r.tolerance << " non-finite "
        << r.non_finite;
  }
};

TEST_P(GemmVariantTest, OneByOneByOne) {
  expect_passes({{1, 1, 1}, 1.0f, 0.0f});
  expect_passes({{1, 1, 1}, -0.5f, 0.75f});
}

TEST_P(GemmVariantTest, DepthOne) {
  expect_passes({{67, 45, 1}, 1.0f, 0.0f});
  expect_passes({{33, 70, 1}, 2.0f, -1.5f});
}

TEST_P(GemmVariantTest, OddSizes) {
  expect_passes({{127, 257, 129}, 1.0f, 0.0f});
  expect_passes({{127, 257, 129}, 0.5f, 2.0f}, 1);
}

TEST_P(GemmVariantTest, EveryDimensionJustOffATileMultiple) {
  // Tile sizes of this architecture's kernels, and the kc blocking depth, each -1, exact and +1.
#if defined(__aarch64__)
  const auto ms = {7, 8, 9, 15, 16, 17, 25};  // NEON 8 x 12
  const auto ns = {11, 12, 13, 23, 24, 25};
#else
  const auto ms = {5, 6, 7, 11, 12, 13, 25};  // AVX2 6 x 16, AVX-512 12 x 32
  const auto ns = {15, 16, 17, 31, 32, 33};
#endif
  for (int64_t m : ms) {
    for (int64_t n : ns) {
      for (int64_t k : {127, 128, 129, 255, 256, 257}) {
        if ((m + n + k) % 3 != 0) continue;  // a third of the grid keeps the test short
        expect_passes({{m, n, k}, 1.25f, m % 2 == 0 ? 0.0f : -0.5f});
      }
    }
  }
}

TEST_P(GemmVariantTest, SplitsOverThreadsAlongEitherDimension) {
  expect_passes({{300, 20, 64}, 1.0f, 0.0f}, 3);  // tall: split M
  expect_passes({{20, 300, 64}, 1.0f, 0.0f}, 3);  // wide: split N
}

TEST_P(GemmVariantTest, LargeSampled) {
  // Over full_check_limit, so the sampled reference path runs too.
  const Case c{{1024, 1024, 256}, 1.0f, 0.0f};
  ASSERT_GT(c.shape.m * c.shape.n * c.shape.k, full_check_limit);
  const auto r = check(*GetParam(), c, 2, 99);
  EXPECT_EQ(r.verdict, Verdict::passed) << r.rel_error;
  EXPECT_EQ(r.method, "sampled 64 rows + 64 columns");
}

TEST_P(GemmVariantTest, LowPrecisionDtypesAreNotSupportedWithAReason) {
  for (Dtype d : {Dtype::tf32, Dtype::bf16, Dtype::fp16}) {
    GemmRunRequest req;
    req.shape = {8, 8, 8};
    req.dtype = d;
    const auto r = run_gemm(*GetParam(), req);
    EXPECT_EQ(r.verification, Verdict::not_supported);
    EXPECT_NE(r.reason.find("(it takes fp32)"), std::string::npos) << r.reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Cpu, GemmVariantTest, ::testing::ValuesIn([] {
                           std::vector<const GemmVariant*> v;
                           for (const auto& g : gemm_variants()) {
                             if (g.device == DeviceKind::cpu) v.push_back(&g);
                           }
                           return v;
                         }()),
                         [](const auto& p) {
                           // gtest names take letters, digits and '_' only (stream-avx2).
                           std::string n(p.param->name);
                           for (auto& ch : n) ch = ch == '-' ? '_' : ch;
                           return n;
                         });

TEST(GemmVerify, FlagsAnUnwrittenElement) {
  const GemmShape s{40, 50, 30};
  const auto* v = find_gemm_variant("openblas");
  ASSERT_NE(v, nullptr);
  std::vector<float> a(40 * 30), b(30 * 50), c(40 * 50, std::numeric_limits<float>::quiet_NaN());
  fill_random(a, 1);
  fill_random(b, 2);
  auto exec = v->prepare({s, Dtype::fp32, 1.0f, 0.0f, 1, DeviceRef{}, std::nullopt});
  const HostOperands ops{a.data(), b.data(), c.data()};
  exec->bind({&ops, 1});
  exec->run(0);
  ASSERT_EQ(verify_gemm(s, Dtype::fp32, 1, 0, a, b, {}, c, 3).verdict, Verdict::passed);

  auto broken = c;
  broken[17 * 50 + 33] = std::numeric_limits<float>::quiet_NaN();  // as if never written
  const auto r = verify_gemm(s, Dtype::fp32, 1, 0, a, b, {}, broken, 3);
  EXPECT_EQ(r.verdict, Verdict::incorrect);
  EXPECT_EQ(r.non_finite, 1);

  broken = c;
  broken[5] += 1e-3f;  // one slightly wrong element
  EXPECT_EQ(verify_gemm(s, Dtype::fp32, 1, 0, a, b, {}, broken, 3).verdict, Verdict::incorrect);
}

TEST(GemmVerify, RandomInputsAreNeverZeroAndInRange) {
  std::vector<float> x(1 << 16);
  fill_random(x, 7);
  for (float v : x) {
    ASSERT_NE(v, 0.0f);
    ASSERT_LE(std::fabs(v), 1.0f);
  }
}

TEST(GemmVerify, ToleranceGrowsWithDepthAndPrecision) {
  EXPECT_LT(tolerance(Dtype::fp32, 64), tolerance(Dtype::fp32, 4096));
  EXPECT_LT(tolerance(Dtype::fp32, 1024), 1e-4);
  EXPECT_LT(tolerance(Dtype::tf32, 1024), tolerance(Dtype::bf16, 1024));
}

}  // namespace
}  // namespace hashflop::gemm
