// The hwmon meter on fake Grace trees: which sensors it sums and which it leaves out, the
// layouts the ACPI power meter driver has used, polled power integrated into joules and
// labelled as such, and the reasons when there is nothing to read. Then `hashflop run` end to
// end on a fake Grace with no RAPL.
#include <thread>

#include <gtest/gtest.h>

#include "energy/hwmon_meter.hpp"
#include "fake_hwmon.hpp"
#include "results/result.hpp"
#include "support/shell.hpp"

namespace {

using namespace hashflop::energy;
using namespace std::chrono_literals;

std::unique_ptr<EnergyMeter> open_ok(const std::filesystem::path& root) {
  auto opened = open_hwmon(root, system_file_reader(), 10ms);
  if (auto* why = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<EnergyMeter>>(opened));
}

std::string reason(const std::filesystem::path& root) {
  auto opened = open_hwmon(root);
  return std::holds_alternative<std::string>(opened) ? std::get<std::string>(opened) : "a meter";
}

TEST(HwmonMeter, SumsTheGraceSocketsAndLeavesOutTheModuleAndTheRails) {
  FakeHwmon fake;
  fake.add_other("hwmon0", "nvme");
  fake.add_power_meter("hwmon1", "Module Power Socket 0", 650);  // includes the GPU
  fake.add_power_meter("hwmon2", "Grace Power Socket 0", 200);
  fake.add_power_meter("hwmon3", "CPU Power Socket 0", 150);  // part of the Grace socket
  fake.add_power_meter("hwmon4", "SysIO Power Socket 0", 30);
  fake.add_power_meter("hwmon5", "Grace Power Socket 1", 100);
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  EXPECT_EQ(meter->method(), EnergyMethod::hwmon_power_integral);
  const std::string source = meter->source();
  EXPECT_NE(source.find("Grace Power Socket 0 + Grace Power Socket 1"), std::string::npos)
      << source;
  EXPECT_NE(source.find("estimate"), std::string::npos) << source;
  EXPECT_EQ(source.find("Module Power"), std::string::npos) << source;
  EXPECT_NEAR(meter->latest_watts().value_or(0), 300.0, 1e-9);

  const auto mark = meter->begin();
  std::this_thread::sleep_for(100ms);
  const auto w = meter->end(mark);
  ASSERT_TRUE(w.joules);
  EXPECT_NEAR(*w.joules / w.seconds, 300.0, 3.0);  // constant power: the trapezoids are exact
  EXPECT_FALSE(w.integral_joules && *w.integral_joules != *w.joules);
  EXPECT_NEAR(w.telemetry.watts.median, 300.0, 1e-9);
}

TEST(HwmonMeter, UsesTheCpuRailsWhereThereIsNoGraceSensor) {
  FakeHwmon fake;
  fake.add_power_meter("hwmon0", "CPU Power Socket 0", 120);
  fake.add_power_meter("hwmon1", "SysIO Power Socket 0", 40);
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  EXPECT_NE(meter->source().find("CPU Power Socket 0"), std::string::npos);
  EXPECT_NEAR(meter->latest_watts().value_or(0), 120.0, 1e-9);
}

TEST(HwmonMeter, ReadsAttributesInTheHwmonDirectoryAndPowerInput) {
  FakeHwmon fake;
  fake.add_power_meter("hwmon7", "Grace Power Socket 0", 80, ".", "input");
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  EXPECT_NEAR(meter->latest_watts().value_or(0), 80.0, 1e-9);
}

TEST(HwmonMeter, IntegratesAPowerStep) {
  FakeHwmon fake;
  fake.add_power_meter("hwmon0", "Grace Power Socket 0", 100);
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  const auto mark = meter->begin();
  std::this_thread::sleep_for(150ms);
  fake.set("hwmon0", 300);
  std::this_thread::sleep_for(150ms);
  const auto w = meter->end(mark);
  ASSERT_TRUE(w.joules);
  EXPECT_GT(*w.joules / w.seconds, 130.0);  // about 200 W on average; no timing is asserted
  EXPECT_LT(*w.joules / w.seconds, 270.0);
  EXPECT_NEAR(w.telemetry.watts.max, 300.0, 1e-9);
}

TEST(HwmonMeter, NothingToReadIsAReasonSayingWhatItLookedFor) {
  EXPECT_NE(reason("/nonexistent/hwmon").find("no hwmon tree"), std::string::npos);
  FakeHwmon fake;
  fake.add_other("hwmon0", "k10temp");
  fake.add_power_meter("hwmon1", "Module Power Socket 0", 650);  // never the module alone
  const auto why = reason(fake.root());
  EXPECT_NE(why.find("no CPU power sensor"), std::string::npos) << why;
  EXPECT_NE(why.find("Grace Power Socket N"), std::string::npos) << why;
  EXPECT_NE(why.find("no RAPL"), std::string::npos) << why;
}

// A label whose socket number does not fit an unsigned names no socket: passed over, not a
// std::out_of_range out of the meter (the hwmon fuzzer's first find).
TEST(HwmonMeter, ASocketNumberBeyondRangeIsPassedOver) {
  FakeHwmon fake;
  fake.add_power_meter("hwmon0", "CPU Power Socket 20000008446744073709551615", 90);
  fake.add_power_meter("hwmon1", "CPU Power Socket 0", 120);
  auto opened = open_hwmon(fake.root());
  auto* meter = std::get_if<std::unique_ptr<EnergyMeter>>(&opened);
  ASSERT_NE(meter, nullptr) << std::get<std::string>(opened);
  EXPECT_EQ((*meter)->source().find("20000008446744073709551615"), std::string::npos)
      << (*meter)->source();
}

TEST(HwmonMeter, HwmonRootComesFromTheEnvironment) {
  setenv("HASHFLOP_HWMON_ROOT", "/tmp/x", 1);
  EXPECT_EQ(hwmon_root(), "/tmp/x");
  unsetenv("HASHFLOP_HWMON_ROOT");
  EXPECT_EQ(hwmon_root(), "/sys/class/hwmon");
}

TEST(HwmonMeter, RunOnAFakeGraceWithoutRaplMeasuresPolledPower) {
  FakeHwmon fake;
  fake.add_power_meter("hwmon0", "Grace Power Socket 0", 250);
  fake.add_power_meter("hwmon1", "Module Power Socket 0", 900);
  const auto out = std::filesystem::temp_directory_path() / "hashflop-hwmon-run.json";
  const auto r = hashflop::test::run_shell(
      "HASHFLOP_POWERCAP_ROOT=/nonexistent HASHFLOP_HWMON_ROOT=" + fake.root().string() + " " +
      HASHFLOP_BINARY +
      " run --device cpu --quick --duration 0.2 --repetitions 1 --cooldown 0 --workloads sha256d "
      "--out " +
      out.string() + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto result = hashflop::results::load_result(out);
  ASSERT_FALSE(result.runs.empty());
  for (const auto& run : result.runs) {
    ASSERT_TRUE(run.energy) << run.energy_unavailable_reason;
    EXPECT_EQ(run.energy->method, "hwmon-power-integral");
    EXPECT_NEAR(run.energy->avg_watts, 250.0, 2.5) << run.variant;
  }
  std::filesystem::remove(out);
}

}  // namespace
