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

// A fake GPU at 100 W and 1755 MHz whose counter reads 1.1 times the polled power's energy,
// continuously or in steps `step_ms` apart.
std::unique_ptr<energy::EnergyMeter> open_fake_gpu(bool counter, const char* step_ms = "0") {
  setenv("FAKE_NVML_WATTS", "100", 1);
  setenv("FAKE_NVML_COUNTER", counter ? "1" : "0", 1);
  setenv("FAKE_NVML_SM_MHZ", "1755", 1);
  setenv("FAKE_NVML_COUNTER_SCALE", "1.1", 1);
  setenv("FAKE_NVML_REASONS", "0", 1);
  setenv("FAKE_NVML_COUNTER_PERIOD_MS", step_ms, 1);
  unsetenv("FAKE_NVML_MIG");
  auto opened =
      energy::open_nvml("00000000:01:00.0", FAKE_NVML_LIBRARY, std::chrono::milliseconds(20));
  if (auto* why = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<energy::EnergyMeter>>(opened));
}

results::Run measure_with(energy::EnergyMeter& meter, workload::Workload& w,
                          harness::HarnessOptions options) {
  Progress progress(false, true);
  std::atomic<bool> stop{false};
  harness::Harness h(meter, std::move(options), progress, stop);
  return h.measure(w, "cuda:0", std::nullopt);
}

results::Run measure(energy::EnergyMeter& meter, workload::Workload& w, double seconds) {
  return measure_with(meter, w, windows_of(seconds));
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

TEST(NvmlWindows, ThrottledWindowsAreFlaggedInTheResultsAndTheTable) {
  auto meter = open_fake_gpu(true);
  ASSERT_TRUE(meter);
  setenv("FAKE_NVML_REASONS", "4", 1);  // sw_power_cap, all the time
  IdleWorkload w;
  const auto run = measure(*meter, w, 0.1);
  setenv("FAKE_NVML_REASONS", "0", 1);
  ASSERT_EQ(run.samples.size(), 3u);
  for (const auto& s : run.samples) {
    EXPECT_TRUE(s.throttled);
    EXPECT_EQ(s.clock_event_reasons, std::vector<std::string>{"sw_power_cap"});
  }
  EXPECT_EQ(results::throttled_windows(run), 3u);
  EXPECT_TRUE(has_warning(run, "3 of 3 windows throttled for power or heat (sw_power_cap)"));
  EXPECT_EQ(run.throttled_windows_discarded, 0);

  const auto j = results::to_json(run);
  EXPECT_TRUE(j.at("samples").at(0).at("throttled").get<bool>());
  EXPECT_EQ(j.at("samples").at(0).at("clock_event_reasons").at(0), "sw_power_cap");
  EXPECT_FALSE(j.contains("throttled_windows_discarded"));
  const auto back = results::run_from_json(j);
  EXPECT_EQ(results::throttled_windows(back), 3u);
  EXPECT_EQ(results::throttle_reasons(back), std::vector<std::string>{"sw_power_cap"});
  const auto table = run_table(run);
  EXPECT_NE(table.find("3 of 3 windows throttled (sw_power_cap)"), std::string::npos) << table;
}

TEST(NvmlWindows, DiscardThrottledDropsThoseWindowsReplacesThemOnceAndSaysHowMany) {
  auto meter = open_fake_gpu(true);
  ASSERT_TRUE(meter);
  IdleWorkload w;
  auto options = windows_of(0.1);
  options.discard_throttled = true;
  // Always capped: every window is dropped, twice the repetitions are tried, then it ends.
  setenv("FAKE_NVML_REASONS", "36", 1);  // sw_power_cap | sw_thermal_slowdown
  const auto capped = measure_with(*meter, w, options);
  setenv("FAKE_NVML_REASONS", "0", 1);
  EXPECT_TRUE(capped.samples.empty());
  EXPECT_EQ(capped.throttled_windows_discarded, 6);
  EXPECT_TRUE(capped.incomplete);
  EXPECT_TRUE(has_warning(capped,
                          "6 windows throttled for power or heat (sw_power_cap, "
                          "sw_thermal_slowdown) discarded (--discard-throttled); 0 of 3 windows "
                          "kept"));
  EXPECT_EQ(results::to_json(capped).at("throttled_windows_discarded"), 6);
  EXPECT_EQ(results::run_from_json(results::to_json(capped)).throttled_windows_discarded, 6);
  // A fleet rank (a barrier before each window) drops without replacing: the ranks must meet
  // the same number of times.
  auto fleet_rank = options;
  int barriers = 0;
  fleet_rank.before_window = [&barriers] { ++barriers; };
  setenv("FAKE_NVML_REASONS", "4", 1);
  const auto rank = measure_with(*meter, w, fleet_rank);
  setenv("FAKE_NVML_REASONS", "0", 1);
  EXPECT_EQ(barriers, 3);
  EXPECT_EQ(rank.throttled_windows_discarded, 3);
  EXPECT_TRUE(rank.samples.empty());
  // Never capped: nothing is dropped.
  const auto cool = measure_with(*meter, w, options);
  EXPECT_EQ(cool.samples.size(), 3u);
  EXPECT_EQ(cool.throttled_windows_discarded, 0);
  EXPECT_FALSE(cool.incomplete);
  EXPECT_FALSE(has_warning(cool, "throttled"));
}

TEST(NvmlWindows, AStepCounterUpdatePeriodIsRecordedWithTheRunsEnergy) {
  auto meter = open_fake_gpu(true, "50");
  ASSERT_TRUE(meter);
  IdleWorkload w;
  const auto run = measure(*meter, w, 0.2);
  setenv("FAKE_NVML_COUNTER_PERIOD_MS", "0", 1);
  ASSERT_TRUE(run.energy);
  ASSERT_TRUE(run.energy->counter_update_ms);
  EXPECT_NEAR(*run.energy->counter_update_ms, 50, 3);
  EXPECT_NEAR(results::to_json(run).at("energy").at("counter_update_ms").get<double>(), 50, 3);
  // 1.1 x 100 W: the counter's power over aligned windows.
  for (const auto& s : run.samples) EXPECT_NEAR(*s.avg_watts, 110, 3);
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
    for (const char* key : {"sm_mhz", "integral_joules", "counter_to_integral", "short_window",
                            "throttled", "clock_event_reasons"})
      EXPECT_FALSE(j.contains(key)) << key;
    EXPECT_EQ(run_table(run).find("mean SM clock"), std::string::npos);
  }
}

}  // namespace
