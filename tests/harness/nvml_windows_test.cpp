// What the harness records per window with a GPU meter (the fake NVML of tests/energy): the mean
// SM clock, the energy counter against the polled power integral, and the mark and warning for
// windows too short for NVML. Without NVML none of it is recorded, not even as zero.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "energy/nvml_meter.hpp"
#include "gemm/gemm_variants.hpp"
#include "harness/harness.hpp"
#include "report/run_table.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"
#include "support/steady_workload.hpp"
#include "workload/workload.hpp"

namespace {

using namespace hashflop;

// Sleeps through its window and counts 1e6 per second.
struct IdleWorkload final : test::SteadyWorkload {
  IdleWorkload() : SteadyWorkload("idle") {}
};

harness::HarnessOptions windows_of(double seconds) {
  return test::test_windows(seconds);
}

// A fake GPU at 100 W and 1755 MHz whose counter reads 1.1 times the polled power's energy.
std::unique_ptr<energy::EnergyMeter> open_fake_gpu(bool counter) {
  setenv("FAKE_NVML_WATTS", "100", 1);
  setenv("FAKE_NVML_COUNTER", counter ? "1" : "0", 1);
  setenv("FAKE_NVML_SM_MHZ", "1755", 1);
  setenv("FAKE_NVML_COUNTER_SCALE", "1.1", 1);
  auto opened =
      energy::open_nvml("00000000:01:00.0", FAKE_NVML_LIBRARY, std::chrono::milliseconds(20));
  if (auto* why = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<energy::EnergyMeter>>(opened));
}

results::Run measure(energy::EnergyMeter& meter, workload::Workload& w, double seconds) {
  Progress progress(false, true);
  std::atomic<bool> stop{false};
  harness::Harness h(meter, windows_of(seconds), progress, stop);
  return h.measure(w, "cuda:0", std::nullopt);
}

bool has_warning(const results::Run& run, const std::string& text) {
  for (const auto& w : run.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string run_table(const results::Run& run) {
  results::Result r;
  r.runs = {run};
  std::FILE* f = std::tmpfile();
  report::print_run_table(f, r);
  std::rewind(f);
  std::string text;
  char buf[512];
  while (const size_t n = std::fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  std::fclose(f);
  return text;
}

TEST(NvmlWindows, EachWindowHasItsClockCounterRatioAndShortMark) {
  auto meter = open_fake_gpu(true);
  ASSERT_TRUE(meter);
  IdleWorkload w;
  const auto run = measure(*meter, w, 0.2);
  ASSERT_EQ(run.samples.size(), 3u);
  for (const auto& s : run.samples) {
    ASSERT_TRUE(s.sm_mhz);
    EXPECT_NEAR(*s.sm_mhz, 1755, 1e-6);
    ASSERT_TRUE(s.joules && s.integral_joules && s.counter_to_integral);
    EXPECT_NEAR(*s.counter_to_integral, 1.1, 0.03);
    EXPECT_DOUBLE_EQ(*s.counter_to_integral, *s.joules / *s.integral_joules);
    EXPECT_TRUE(s.short_window);  // 0.2 s, against NVML's 5 s
  }
  EXPECT_TRUE(has_warning(run, "3 of 3 windows under 5 s, marked short_window"));

  const auto j = results::to_json(run);
  const auto& first = j.at("samples").at(0);
  EXPECT_NEAR(first.at("sm_mhz").get<double>(), 1755, 1e-6);
  EXPECT_TRUE(first.at("short_window").get<bool>());
  EXPECT_NEAR(first.at("counter_to_integral").get<double>(), 1.1, 0.03);
  EXPECT_TRUE(first.contains("integral_joules"));

  const auto spread = results::counter_to_integral_spread(run);
  ASSERT_TRUE(spread);
  EXPECT_EQ(spread->n, 3u);
  EXPECT_LE(spread->min, spread->median);
  EXPECT_LE(spread->median, spread->max);
  const auto table = run_table(run);
  EXPECT_NE(table.find("sha256d idle: mean SM clock 1755 MHz; NVML energy counter / polled power "
                       "integral min "),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("3 of 3 windows too short for the meter (short_window) (3 windows)"),
            std::string::npos)
      << table;
}

// Deliverable 3 asks for the clock with each GEMM sample: the GEMM workload's windows carry it
// like any other (here the CPU GEMM, measured with the fake GPU meter only for its clock).
TEST(NvmlWindows, GemmSamplesCarryTheMeanSmClock) {
  auto meter = open_fake_gpu(true);
  ASSERT_TRUE(meter);
  const auto& variants = gemm::gemm_variants();
  const auto cpu = std::find_if(variants.begin(), variants.end(), [](const auto& v) {
    return v.device == DeviceKind::cpu && v.unavailable(gemm::Dtype::fp32).empty();
  });
  ASSERT_NE(cpu, variants.end());
  auto w = workload::make_gemm(*cpu, gemm::Dtype::fp32, 64, 1, DeviceRef{});
  const auto run = measure(*meter, *w, 0.1);
  ASSERT_FALSE(run.samples.empty());
  for (const auto& s : run.samples) {
    ASSERT_TRUE(s.sm_mhz);
    EXPECT_NEAR(*s.sm_mhz, 1755, 1e-6);
  }
}

TEST(NvmlWindows, WithoutTheCounterThereIsNoRatioButStillTheClockAndTheMark) {
  auto meter = open_fake_gpu(false);
  ASSERT_TRUE(meter);
  IdleWorkload w;
  const auto run = measure(*meter, w, 0.1);
  ASSERT_FALSE(run.samples.empty());
  for (const auto& s : run.samples) {
    EXPECT_TRUE(s.sm_mhz);
    EXPECT_FALSE(s.counter_to_integral);
    EXPECT_FALSE(s.integral_joules);
    EXPECT_TRUE(s.short_window);
  }
  EXPECT_FALSE(results::counter_to_integral_spread(run));
  EXPECT_EQ(run_table(run).find("NVML energy counter"), std::string::npos);
}

TEST(NvmlWindows, WithoutNvmlClockRatioAndMarkAreAbsentNotZero) {
  IdleWorkload w;
  std::vector<std::unique_ptr<energy::EnergyMeter>> meters;
  meters.push_back(energy::make_none_meter("no meter in this test"));
  meters.push_back(energy::make_assumed_meter(25, "test"));
  for (const auto& meter : meters) {
    const auto run = measure(*meter, w, 0.1);
    ASSERT_FALSE(run.samples.empty());
    for (const auto& s : run.samples) {
      EXPECT_FALSE(s.sm_mhz);
      EXPECT_FALSE(s.counter_to_integral);
      EXPECT_FALSE(s.short_window);
    }
    EXPECT_FALSE(has_warning(run, "short_window"));
    const auto j = results::to_json(run).at("samples").at(0);
    for (const char* key : {"sm_mhz", "integral_joules", "counter_to_integral", "short_window"})
      EXPECT_FALSE(j.contains(key)) << key;
    EXPECT_EQ(run_table(run).find("mean SM clock"), std::string::npos);
  }
}

}  // namespace
