// The NVML meter against tests/energy/fake_nvml.cpp: a constant 100 W device.
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include "energy/nvml_meter.hpp"

namespace {

using namespace hashflop::energy;
constexpr const char* bus = "00000000:01:00.0";

std::unique_ptr<EnergyMeter> open_fake(bool counter) {
  setenv("FAKE_NVML_WATTS", "100", 1);
  unsetenv("FAKE_NVML_SM_MHZ");
  unsetenv("FAKE_NVML_COUNTER_SCALE");
  unsetenv("FAKE_NVML_COUNTER_PERIOD_MS");
  unsetenv("FAKE_NVML_MIG");
  setenv("FAKE_NVML_REASONS", "4", 1);  // sw_power_cap
  setenv("FAKE_NVML_COUNTER", counter ? "1" : "0", 1);
  auto opened = open_nvml(bus, FAKE_NVML_LIBRARY, std::chrono::milliseconds(20));
  if (auto* why = std::get_if<std::string>(&opened)) ADD_FAILURE() << *why;
  return std::move(std::get<std::unique_ptr<EnergyMeter>>(opened));
}

WindowEnergy measure(EnergyMeter& meter, double seconds) {
  const auto mark = meter.begin();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return meter.end(mark);
}

TEST(NvmlMeter, CounterIsPrimaryAndCrossCheckedAgainstPolledPower) {
  auto meter = open_fake(true);
  ASSERT_TRUE(meter);
  EXPECT_EQ(meter->method(), EnergyMethod::nvml_energy_counter);
  EXPECT_EQ(meter->unavailable_reason(), "");
  const auto w = measure(*meter, 0.5);
  ASSERT_TRUE(w.joules);
  EXPECT_NEAR(*w.joules / w.seconds, 100.0, 2.0);
  ASSERT_TRUE(w.integral_joules);
  EXPECT_NEAR(*w.integral_joules / *w.joules, 1.0, 0.02);
  // >= 10 Hz polling: a 0.5 s window has several samples with the fake's telemetry.
  EXPECT_GE(w.telemetry.samples, 6u);
  EXPECT_EQ(w.telemetry.sm_mhz.median, 1410);
  EXPECT_EQ(w.telemetry.mem_mhz.max, 1593);
  EXPECT_EQ(w.telemetry.temp_c.min, 61);
  ASSERT_EQ(w.telemetry.reasons.size(), 1u);
  EXPECT_EQ(w.telemetry.reasons[0], "sw_power_cap");
  EXPECT_EQ(nvml_power_limit_watts(bus, FAKE_NVML_LIBRARY).value_or(0), 300.0);
  // Part of the key under which a GPU calibration is kept (tune/machine_key.hpp, gpu_key).
  EXPECT_EQ(nvml_driver_version(FAKE_NVML_LIBRARY).value_or(""), "999.12.34");
  EXPECT_FALSE(nvml_driver_version("/nonexistent/libnvidia-ml.so.1"));
}

TEST(NvmlMeter, UnsupportedCounterFallsBackToIntegratedPowerAndSaysSo) {
  auto meter = open_fake(false);
  ASSERT_TRUE(meter);
  EXPECT_EQ(meter->method(), EnergyMethod::nvml_power_integral);
  EXPECT_NE(meter->source().find("Not Supported"), std::string::npos) << meter->source();
  const auto w = measure(*meter, 0.5);
  ASSERT_TRUE(w.joules);
  EXPECT_NEAR(*w.joules / w.seconds, 100.0, 2.0);
}

TEST(NvmlMeter, WindowsUnderFiveSecondsAreNotTrustedAndTheReasonSaysWhy) {
  for (const bool counter : {true, false}) {
    auto meter = open_fake(counter);
    ASSERT_TRUE(meter);
    EXPECT_EQ(meter->shortest_trusted_window(), 5.0);
    EXPECT_NE(meter->short_window_reason().find("1 s"), std::string::npos)
        << meter->short_window_reason();
  }
  // Meters without NVML's averaging trust any window.
  EXPECT_EQ(make_none_meter("test")->shortest_trusted_window(), 0.0);
  EXPECT_EQ(make_assumed_meter(10, "test")->shortest_trusted_window(), 0.0);
}

TEST(NvmlMeter, WindowHasTheMeanSmClockOfItsPolls) {
  auto meter = open_fake(true);
  ASSERT_TRUE(meter);
  setenv("FAKE_NVML_SM_MHZ", "1755", 1);
  const auto w = measure(*meter, 0.2);
  ASSERT_TRUE(w.telemetry.sm_mhz_mean);
  EXPECT_NEAR(*w.telemetry.sm_mhz_mean, 1755, 1e-6);
}

TEST(NvmlMeter, CounterToIntegralRatioFollowsACounterThatReadsHigh) {
  auto meter = open_fake(true);
  ASSERT_TRUE(meter);
  setenv("FAKE_NVML_COUNTER_SCALE", "1.1", 1);
  const auto w = measure(*meter, 0.3);
  ASSERT_TRUE(w.joules && w.integral_joules);
  EXPECT_NEAR(*w.joules / *w.integral_joules, 1.1, 0.02);
}

// A counter that steps every 100 ms, as real ones do: a window's edges fall between steps, so
// the plain difference of two reads over 0.35 s is 3 or 4 steps, 86 or 114 W for 100 W. The
// aligned edges give 100 W within the half-millisecond the edges are read to.
TEST(NvmlMeter, WindowEdgesAlignToASteppingCounterAndTheStepIsRecorded) {
  auto meter = open_fake(true);
  ASSERT_TRUE(meter);
  setenv("FAKE_NVML_COUNTER_PERIOD_MS", "100", 1);
  meter = nullptr;
  auto opened = open_nvml(bus, FAKE_NVML_LIBRARY, std::chrono::milliseconds(20));
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<EnergyMeter>>(opened));
  meter = std::move(std::get<std::unique_ptr<EnergyMeter>>(opened));
  ASSERT_TRUE(meter->counter_update_seconds());
  EXPECT_NEAR(*meter->counter_update_seconds(), 0.1, 0.005);
  EXPECT_NE(meter->source().find("window edges aligned to its updates, every "), std::string::npos)
      << meter->source();
  for (const double seconds : {0.35, 0.42, 0.27}) {
    const auto w = measure(*meter, seconds);
    ASSERT_TRUE(w.joules);
    EXPECT_NEAR(w.seconds, seconds, 0.02);
    EXPECT_NEAR(*w.joules / w.seconds, 100.0, 2.0) << seconds << " s window";
  }
  unsetenv("FAKE_NVML_COUNTER_PERIOD_MS");
}

// The counter's value at a window's end, by hand: the step seen 30 ms after the end spans the
// 100 ms back from its change, so 70 ms of it fall in the window: 1000 + 0.7 x (1010 - 1000).
TEST(NvmlMeter, CounterAtEndInterpolatesTheStepThatStraddlesIt) {
  EXPECT_DOUBLE_EQ(counter_at_end({1000, 1010, 0.030}, 0.1), 1007);
  // A change seen at once: the whole step is the window's; one seen a period or more later:
  // none of it is.
  EXPECT_DOUBLE_EQ(counter_at_end({1000, 1010, 0}, 0.1), 1010);
  EXPECT_DOUBLE_EQ(counter_at_end({1000, 1010, 0.25}, 0.1), 1000);
  EXPECT_DOUBLE_EQ(counter_at_end({1000, 1010, 0.05}, 0), 1000);
}

TEST(NvmlMeter, MigModeRefusesToAttributeTheBoardsEnergyToAnInstance) {
  open_fake(true);
  setenv("FAKE_NVML_MIG", "1", 1);
  auto opened = open_nvml(bus, FAKE_NVML_LIBRARY);
  unsetenv("FAKE_NVML_MIG");
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  const auto& why = std::get<std::string>(opened);
  EXPECT_NE(why.find("MIG mode"), std::string::npos) << why;
  EXPECT_NE(why.find("whole board"), std::string::npos) << why;
}

TEST(NvmlMeter, PowerAndHeatReasonsMarkTheWindowThrottledOthersDoNot) {
  auto meter = open_fake(true);
  ASSERT_TRUE(meter);
  struct Case {
    const char* mask;
    bool throttled;
  };
  for (const auto& c : {Case{"0", false}, Case{"1", false}, Case{"4", true}, Case{"32", true},
                        Case{"16", false}, Case{"128", true}}) {
    setenv("FAKE_NVML_REASONS", c.mask, 1);
    const auto w = measure(*meter, 0.1);
    EXPECT_EQ(w.telemetry.throttled, c.throttled) << "reasons " << c.mask;
  }
  // The same rule without a meter: 0x8 hw_slowdown, 0x40 hw_thermal_slowdown.
  EXPECT_TRUE(throttles(0x8));
  EXPECT_TRUE(throttles(0x40 | 0x1));
  EXPECT_FALSE(throttles(0x1 | 0x2 | 0x10 | 0x100));
}

TEST(NvmlMeter, MissingLibraryIsAReasonNotACrash) {
  auto opened = open_nvml(bus, "/nonexistent/libnvidia-ml.so.1");
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_NE(std::get<std::string>(opened).find("cannot load NVML"), std::string::npos);
  setenv("HASHFLOP_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  EXPECT_EQ(nvml_library_path(), "/nonexistent/libnvidia-ml.so.1");
  unsetenv("HASHFLOP_NVML_LIBRARY");
  EXPECT_EQ(nvml_library_path(), "libnvidia-ml.so.1");
}

TEST(NvmlMeter, UnknownBusIdIsAReason) {
  auto opened = open_nvml("00000000:99:00.0", FAKE_NVML_LIBRARY);
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_NE(std::get<std::string>(opened).find("no device at PCI bus id"), std::string::npos);
}

}  // namespace
