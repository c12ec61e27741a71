// Harness statistics on known samples, and the harness end to end with a synthetic workload.
#include <atomic>
#include <cmath>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/units.hpp"
#include "gemm/gemm_variants.hpp"
#include "harness/harness.hpp"
#include "results/result.hpp"
#include "support/steady_workload.hpp"
#include "workload/workload.hpp"

namespace {

using namespace hashflop;

TEST(Stats, KnownSamplesGiveKnownMedianCiAndCv) {
  const auto s = results::compute_stats({5, 1, 4, 2, 3});
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 5);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_NEAR(s.stddev, 1.5811388, 1e-6);                                  // sqrt(10 / 4)
  EXPECT_NEAR(s.ci95_high - 3, 2.776 * 1.5811388 / std::sqrt(5.0), 1e-6);  // t(0.975, 4)
  EXPECT_NEAR(s.ci95_low, 3 - (s.ci95_high - 3), 1e-12);
  EXPECT_NEAR(s.cv, 1.5811388 / 3, 1e-6);
  const auto even = results::compute_stats({4, 1, 3, 2});
  EXPECT_DOUBLE_EQ(even.median, 2.5);
  const auto one = results::compute_stats({7});
  EXPECT_DOUBLE_EQ(one.median, 7);
  EXPECT_DOUBLE_EQ(one.ci95_low, 7);
  EXPECT_DOUBLE_EQ(one.cv, 0);
  EXPECT_NEAR(results::t_critical_95(1), 12.706, 1e-9);
  EXPECT_NEAR(results::t_critical_95(1000), 1.96, 0.01);
}

// 1e6 per second of wall time, saying so in its params.
struct SteadyWorkload final : test::SteadyWorkload {
  SteadyWorkload() : test::SteadyWorkload("steady", {{"rate", 1e6}}) {}
};

harness::HarnessOptions short_windows() {
  return test::test_windows(0.1);
}

TEST(Harness, AssumedWattsGiveWorkPerJouleEqualToRateOverWatts) {
  auto meter = energy::make_assumed_meter(25.0, "test");
  Progress progress(false, true);
  std::atomic<bool> stop{false};
  harness::Harness h(*meter, short_windows(), progress, stop);
  SteadyWorkload w;
  const auto run = h.measure(w, "cpu", std::nullopt);
  ASSERT_EQ(run.samples.size(), 3u);
  EXPECT_FALSE(run.incomplete);
  ASSERT_TRUE(run.energy && run.per_joule);
  EXPECT_TRUE(run.energy->assumed);
  EXPECT_EQ(run.energy->method, "assumed");
  EXPECT_NEAR(run.energy->avg_watts, 25.0, 1e-9);
  EXPECT_NEAR(*run.per_joule, run.rate / run.energy->avg_watts, 1e-6 * *run.per_joule);
  // The workload counts 1e6 per second of its own time, and the harness's window encloses
  // that time plus whatever the scheduler adds around the call (on a loaded 2-core machine,
  // tens of ms): the rate can only come out at or below 1e6, never above.
  EXPECT_GT(run.rate, 0);
  EXPECT_LE(run.rate, 1e6 * (1 + 1e-9));
  EXPECT_EQ(run.verification, Verdict::passed);
  EXPECT_FALSE(run.warnings.empty());  // windows under 1 s are flagged
}

TEST(Harness, StopRequestEndsTheRunIncomplete) {
  auto meter = energy::make_none_meter("no meter in this test");
  Progress progress(false, true);
  std::atomic<bool> stop{true};
  harness::Harness h(*meter, harness::HarnessOptions::quick(), progress, stop);
  SteadyWorkload w;
  const auto run = h.measure(w, "cpu", std::nullopt);
  EXPECT_TRUE(run.incomplete);
  EXPECT_TRUE(run.samples.empty());
  EXPECT_FALSE(run.energy);
  EXPECT_FALSE(run.per_joule);
  EXPECT_EQ(run.energy_unavailable_reason, "no meter in this test");
}

TEST(Harness, AWrongResultAfterTheWindowsFailsTheRunButKeepsItsNumbers) {
  auto meter = energy::make_none_meter("no meter in this test");
  Progress progress(false, true);
  std::atomic<bool> stop{false};
  harness::Harness h(*meter, short_windows(), progress, stop);
  SteadyWorkload w;
  w.after = Check{Verdict::incorrect, "synthetic mismatch"};
  const auto run = h.measure(w, "cpu", std::nullopt);
  EXPECT_EQ(run.samples.size(), 3u);
  EXPECT_EQ(run.verification, Verdict::incorrect);
  EXPECT_NE(run.verification_detail.find("synthetic; measured windows: synthetic mismatch"),
            std::string::npos)
      << run.verification_detail;

  SteadyWorkload fine;
  fine.after = Check{Verdict::passed, "synthetic match"};
  EXPECT_EQ(h.measure(fine, "cpu", std::nullopt).verification, Verdict::passed);
}

TEST(Harness, GemmChecksTheLastMeasuredProductAgainstFp64) {
  auto meter = energy::make_none_meter("no meter in this test");
  Progress progress(false, true);
  std::atomic<bool> stop{false};
  harness::Harness h(*meter, short_windows(), progress, stop);
  for (const auto& v : gemm::gemm_variants()) {
    if (v.device != DeviceKind::cpu || !v.unavailable(gemm::Dtype::fp32).empty()) continue;
    // 100 is a multiple of no tile size, so the product's edges are in the check.
    auto w = workload::make_gemm(v, gemm::Dtype::fp32, 100, 1, DeviceRef{});
    const auto run = h.measure(*w, "cpu", std::nullopt);
    ASSERT_FALSE(run.samples.empty()) << v.name;
    EXPECT_EQ(run.verification, Verdict::passed) << v.name << ": " << run.verification_detail;
    EXPECT_NE(run.verification_detail.find("; measured windows: last product (set "),
              std::string::npos)
        << v.name << ": " << run.verification_detail;
  }
}

// A constant 10 W whose end() fails on its second window, as a RAPL counter that turns
// unreadable or implausible mid-run does.
class FlakyMeter final : public energy::EnergyMeter {
 public:
  energy::EnergyMethod method() const override { return energy::EnergyMethod::rapl; }
  std::string source() const override { return "flaky test meter"; }
  energy::Mark begin() override { return {std::chrono::steady_clock::now(), 0, 0, 0}; }
  energy::WindowEnergy end(const energy::Mark& mark) override {
    if (++calls_ == 2) throw DeviceError("counter went backwards");
    energy::WindowEnergy w;
    w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - mark.t).count();
    w.joules = 10 * w.seconds;
    return w;
  }

 private:
  int calls_ = 0;
};

TEST(Harness, AMeterFailingMidRunKeepsTheRatesAndSaysWhyEnergyIsMissing) {
  FlakyMeter meter;
  Progress progress(false, true);
  std::atomic<bool> stop{false};
  harness::Harness h(meter, short_windows(), progress, stop);
  SteadyWorkload w;
  const auto run = h.measure(w, "cpu", std::nullopt);
  ASSERT_EQ(run.samples.size(), 3u);  // every window kept
  EXPECT_GT(run.rate, 0);
  EXPECT_FALSE(run.samples[1].joules);
  EXPECT_TRUE(run.samples[0].joules);
  EXPECT_FALSE(run.energy);  // not every window has energy: none for the run
  EXPECT_NE(run.energy_unavailable_reason.find("counter went backwards"), std::string::npos)
      << run.energy_unavailable_reason;
  EXPECT_EQ(run.verification, Verdict::passed);
}

TEST(Harness, FormatsRatesWithPrefixes) {
  EXPECT_EQ(format_rate(18.7e6, "hash"), "18.7 MH/s");
  EXPECT_EQ(format_rate(1.5e12, "flop"), "1.5 TFLOP/s");
  EXPECT_EQ(format_per_joule(2.5e9, "flop"), "2.5 GFLOP/J");
}

}  // namespace
