// The RAPL meter on fake powercap trees: package domains only, wrap-around, several packages,
// and the permission message (injected through the file-reader seam: tests run as root).
#include <cerrno>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "energy/rapl_meter.hpp"
#include "fake_powercap.hpp"

namespace {

using namespace hashflop::energy;
using namespace std::chrono_literals;

std::unique_ptr<EnergyMeter> open_ok(const std::filesystem::path& root,
                                     const FileReader& reader = system_file_reader()) {
  auto opened = open_rapl(root, reader, 10ms);
  if (auto* why = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<EnergyMeter>>(opened));
}

TEST(RaplMeter, SumsPackagesAndIgnoresSubDomains) {
  FakePowercap fake;
  fake.add_domain("intel-rapl:0", "package-0", 1000000, 1u << 30);
  fake.add_domain("intel-rapl:1", "package-1", 5000000, 1u << 30);
  fake.add_domain("intel-rapl:0:0", "core", 0, 1u << 30);  // part of package-0: not counted
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  EXPECT_EQ(meter->method(), EnergyMethod::rapl);
  EXPECT_NE(meter->source().find("package-0 + package-1"), std::string::npos) << meter->source();
  const auto mark = meter->begin();
  fake.set("intel-rapl:0", 3000000);      // +2 J
  fake.set("intel-rapl:1", 8000000);      // +3 J
  fake.set("intel-rapl:0:0", 900000000);  // would add 900 J if sub-domains counted
  std::this_thread::sleep_for(30ms);
  const auto w = meter->end(mark);
  ASSERT_TRUE(w.joules);
  EXPECT_NEAR(*w.joules, 5.0, 1e-9);
}

TEST(RaplMeter, HandlesWrapAround) {
  FakePowercap fake;
  fake.add_domain("intel-rapl:0", "package-0", 900000, 1000000);
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  const auto mark = meter->begin();
  fake.set("intel-rapl:0", 100000);  // wrapped: 0.1 J to the top, 0.1 J after
  std::this_thread::sleep_for(30ms);
  fake.set("intel-rapl:0", 600000);  // +0.5 J
  std::this_thread::sleep_for(30ms);
  const auto w = meter->end(mark);
  ASSERT_TRUE(w.joules);
  EXPECT_NEAR(*w.joules, 0.7, 1e-9);
}

// A counter that steps back used to count as a wrap whatever the step: 203,322 W for a window.
TEST(RaplMeter, AStepBackThatIsNoPlausibleWrapIsAnErrorNotEnergy) {
  FakePowercap fake;
  constexpr uint64_t range = 262143328850;  // a real package's range: 262 kJ
  fake.add_domain("intel-rapl:0", "package-0", 900000000, range);
  auto meter = open_ok(fake.root());
  ASSERT_TRUE(meter);
  const auto mark = meter->begin();
  fake.set("intel-rapl:0", 100000000);  // back by 0.8 J: as a wrap, 262 kJ in milliseconds
  std::this_thread::sleep_for(30ms);
  try {
    const auto w = meter->end(mark);
    ADD_FAILURE() << "took " << w.joules.value_or(-1) << " J";
  } catch (const hashflop::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("not a plausible wrap"), std::string::npos) << e.what();
  }
}

TEST(RaplMeter, CounterFilesMustBeDigits) {
  for (const char* bad : {"-1", "12abc", " ", "99999999999999999999999"}) {
    FakePowercap fake;
    fake.add_domain("intel-rapl:0", "package-0", 0, 1000000);
    const FileReader base = system_file_reader();
    const FileReader reader = [&](const std::filesystem::path& p) -> std::string {
      return p.filename() == "max_energy_range_uj" ? std::string(bad) : base(p);
    };
    auto opened = open_rapl(fake.root(), reader);
    ASSERT_TRUE(std::holds_alternative<std::string>(opened)) << bad;
    EXPECT_NE(std::get<std::string>(opened).find("not a counter value"), std::string::npos)
        << std::get<std::string>(opened);
  }
}

TEST(RaplMeter, PermissionDeniedSaysWhyAndHowToGrantAccess) {
  FakePowercap fake;
  fake.add_domain("intel-rapl:0", "package-0", 0, 1000000);
  const FileReader base = system_file_reader();
  const FileReader denied = [&](const std::filesystem::path& p) -> std::string {
    if (p.filename() == "energy_uj")
      throw FileReadError("cannot open " + p.string() + ": Permission denied", EACCES);
    return base(p);
  };
  auto opened = open_rapl(fake.root(), denied);
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  const auto& why = std::get<std::string>(opened);
  EXPECT_NE(why.find("permission denied"), std::string::npos) << why;
  EXPECT_NE(why.find("5.10"), std::string::npos) << why;
  EXPECT_NE(why.find("chmod a+r"), std::string::npos) << why;
  EXPECT_NE(why.find("udev"), std::string::npos) << why;
}

TEST(RaplMeter, ModeZeroFileIsDeniedForNonRoot) {
  if (geteuid() == 0)
    GTEST_SKIP() << "root reads mode-000 files; the seam test above covers EACCES";
  FakePowercap fake;
  fake.add_domain("intel-rapl:0", "package-0", 0, 1000000);
  std::filesystem::permissions(fake.root() / "intel-rapl:0" / "energy_uj",
                               std::filesystem::perms::none);
  auto opened = open_rapl(fake.root());
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_NE(std::get<std::string>(opened).find("chmod a+r"), std::string::npos);
}

TEST(RaplMeter, MissingTreeOrNoPackageIsAReason) {
  auto none = open_rapl("/nonexistent/powercap");
  ASSERT_TRUE(std::holds_alternative<std::string>(none));
  EXPECT_NE(std::get<std::string>(none).find("no powercap interface"), std::string::npos);
  FakePowercap fake;
  fake.add_domain("intel-rapl:0:0", "core", 0, 1000000);
  auto sub_only = open_rapl(fake.root());
  ASSERT_TRUE(std::holds_alternative<std::string>(sub_only));
  EXPECT_NE(std::get<std::string>(sub_only).find("no RAPL package domain"), std::string::npos);
}

TEST(RaplMeter, PowercapRootComesFromTheEnvironment) {
  setenv("HASHFLOP_POWERCAP_ROOT", "/tmp/x", 1);
  EXPECT_EQ(powercap_root(), "/tmp/x");
  unsetenv("HASHFLOP_POWERCAP_ROOT");
  EXPECT_EQ(powercap_root(), "/sys/class/powercap");
}

TEST(RaplMeter, RealTimeCounterGivesItsWattage) {
  // The counter is computed when the meter reads it, through the file-reader seam, so the test
  // does not depend on another thread keeping a file fresh: 50 W, wrapping every 0.4 s.
  FakePowercap fake;
  constexpr uint64_t range = 20000000;
  fake.add_domain("intel-rapl:0", "package-0", 0, range);
  const auto t0 = std::chrono::steady_clock::now();
  const auto files = system_file_reader();
  const FileReader live = [&](const std::filesystem::path& p) {
    if (p.filename() != "energy_uj") return files(p);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::to_string(static_cast<uint64_t>(50.0 * s * 1e6) % range);
  };
  auto meter = open_ok(fake.root(), live);
  ASSERT_TRUE(meter);
  const auto mark = meter->begin();
  std::this_thread::sleep_for(1s);
  const auto w = meter->end(mark);
  ASSERT_TRUE(w.joules);
  // Only the gap between computing a value and timestamping the reading is left: microseconds.
  EXPECT_NEAR(*w.joules / w.seconds, 50.0, 0.05);
}

}  // namespace
