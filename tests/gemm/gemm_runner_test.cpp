// run_gemm's checks with an executor the test controls: one that goes wrong only after the
// verified warm-up must not pass, because the runner also checks a timed product.
#include <span>
#include <vector>

#include <gtest/gtest.h>

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

std::string available(Dtype d) {
  return d == Dtype::fp32 ? "" : "fp32 only";
}

const GemmVariant kAlwaysRight{"test-right",
                               "tiled",
                               DeviceKind::cpu,
                               "right every time",
                               available,
                               [](const GemmProblemSpec& s) -> std::unique_ptr<GemmExecutor> {
                                 return std::make_unique<DriftingExecutor>(s, 1'000'000);
                               }};
const GemmVariant kWrongAfterWarmUp{"test-drift",
                                    "tiled",
                                    DeviceKind::cpu,
                                    "right once, then wrong",
                                    available,
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
  EXPECT_EQ(r.verification, Verification::passed) << r.reason;
  EXPECT_LT(r.rel_error, r.tolerance);
}

TEST(GemmRunner, AnExecutorThatGoesWrongAfterTheWarmUpFails) {
  const auto r = run_gemm(kWrongAfterWarmUp, small_request());
  EXPECT_EQ(r.verification, Verification::incorrect);
  EXPECT_GT(r.rel_error, r.tolerance);
  EXPECT_NE(r.reason.find("last timed product"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace hashflop::gemm
