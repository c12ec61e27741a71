// run_gemm's checks with an executor the test controls: one that goes wrong only after the
// verified warm-up must not pass, because the runner also checks a timed product.
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "common/median.hpp"
#include "gemm/gemm_runner.hpp"

namespace hashflop::gemm {
namespace {

// A plain triple loop, right for its first `good_runs` products and off by one in every element
// of C after that.
class DriftingExecutor final : public GemmExecutor {
 public:
  DriftingExecutor(const GemmProblemSpec& spec, int good_runs) : spec_(spec), good_(good_runs) {}
  void bind(std::span<const HostOperands> sets) override { sets_.assign(sets.begin(), sets.end()); }
  void run(size_t index) override {
    const auto& s = spec_.shape;
    const HostOperands& o = sets_.at(index);
    const float drift = runs_++ < good_ ? 0.0f : 1.0f;
    for (int64_t i = 0; i < s.m; ++i) {
      for (int64_t j = 0; j < s.n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < s.k; ++p) acc += double{o.a[i * s.k + p]} * o.b[p * s.n + j];
        o.c[i * s.n + j] = spec_.alpha * static_cast<float>(acc) + drift;
      }
    }
  }

 private:
  GemmProblemSpec spec_;
  int good_;
  int runs_ = 0;
  std::vector<HostOperands> sets_;
};

const GemmVariant kAlwaysRight{"test-right",
                               "tiled",
                               DeviceKind::cpu,
                               "right every time",
                               dtype_bit(Dtype::fp32),
                               nullptr,
                               [](const GemmProblemSpec& s) -> std::unique_ptr<GemmExecutor> {
                                 return std::make_unique<DriftingExecutor>(s, 1'000'000);
                               }};
const GemmVariant kWrongAfterWarmUp{"test-drift",
                                    "tiled",
                                    DeviceKind::cpu,
                                    "right once, then wrong",
                                    dtype_bit(Dtype::fp32),
                                    nullptr,
                                    [](const GemmProblemSpec& s) -> std::unique_ptr<GemmExecutor> {
                                      return std::make_unique<DriftingExecutor>(s, 1);
                                    }};

GemmRunRequest small_request() {
  GemmRunRequest req;
  req.shape = {37, 41, 29};  // a multiple of no tile size
  req.repetitions = 2;
  req.seed = 7;
  return req;
}

TEST(GemmRunner, AnExecutorRightEveryTimePasses) {
  const auto r = run_gemm(kAlwaysRight, small_request());
  EXPECT_EQ(r.verification, Verdict::passed) << r.reason;
  EXPECT_LT(r.rel_error, r.tolerance);
}

TEST(GemmRunner, AnExecutorThatGoesWrongAfterTheWarmUpFails) {
  const auto r = run_gemm(kWrongAfterWarmUp, small_request());
  EXPECT_EQ(r.verification, Verdict::incorrect);
  EXPECT_GT(r.rel_error, r.tolerance);
  EXPECT_NE(r.reason.find("last timed product"), std::string::npos) << r.reason;
}

TEST(GemmRunner, BatchIsSizedFromAWarmProductToLastAtLeast20Ms) {
  EXPECT_EQ(batch_size(0.001), 20);   // 1 ms products: 20 of them
  EXPECT_EQ(batch_size(0.0003), 67);  // rounded up, never under 20 ms
  EXPECT_EQ(batch_size(0.05), 1);     // one product already lasts longer
  EXPECT_EQ(batch_size(0.0), 1'000'000);
  // A cold first product (module loading, library set-up) would give far too small a batch:
  // the runner times a second, warm one, and sizes from that.
  EXPECT_GT(batch_size(0.0001), 10 * batch_size(0.005));
}

TEST(GemmRunner, OperandSetsOverflowTheCacheAtTheDtypesElementSize) {
  const uint64_t l2 = 60ull << 20;  // an H200's L2
  // 2048^3: fp32 A, B and C are 48 MiB a set, 2 sets pass 90 MiB; bf16 A and B are half as
  // big (32 MiB a set), so it takes 3 sets, where counting them as fp32 would give 2 and leave
  // most of the second set in the cache.
  EXPECT_EQ(input_sets({2048, 2048, 2048}, Dtype::fp32, l2), 2);
  EXPECT_EQ(input_sets({2048, 2048, 2048}, Dtype::bf16, l2), 3);
  EXPECT_EQ(input_sets({2048, 2048, 2048}, Dtype::fp16, l2), 3);
  EXPECT_EQ(input_sets({2048, 2048, 2048}, Dtype::tf32, l2), 2);  // tf32 is fp32 storage
  // Tiny shapes stop at the cap instead of allocating thousands of sets.
  EXPECT_EQ(input_sets({16, 16, 16}, Dtype::fp32, l2), max_input_sets);
  EXPECT_EQ(input_sets({65536, 65536, 65536}, Dtype::fp32, l2), 2);  // at least two
}

TEST(GemmRunner, RecordsTheBatchAndRunsOnTheRequestedDevice) {
  const auto r = run_gemm(kAlwaysRight, small_request());
  EXPECT_GE(r.batch, 1);
  EXPECT_EQ(r.device, "cpu");
}

// The rate `gemm` reports is the one every command reports (common/measure.hpp): the timed
// batches' FLOPs over their total seconds. `seconds`, the median per product, sits beside it.
TEST(GemmRunner, RateIsTotalFlopsOverTotalTimedSeconds) {
  const auto req = small_request();
  const auto r = run_gemm(kAlwaysRight, req);
  ASSERT_FALSE(r.samples.empty());
  double seconds = 0;
  for (double per_product : r.samples) seconds += per_product * r.batch;
  const double flops = req.shape.flops() * r.batch * static_cast<double>(r.samples.size());
  EXPECT_NEAR(r.flops_per_second, flops / seconds, 1e-9 * r.flops_per_second);
  EXPECT_DOUBLE_EQ(r.seconds, median(r.samples));
}

}  // namespace
}  // namespace hashflop::gemm
