// Choosing the CPU sha256d variant: a fake clock makes a non-default variant win, and the choice
// is recorded in and reused from the wisdom file; a stale, corrupt, missing or unwritable file
// never stops the choice.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bitcoin/target.hpp"
#include "common/error.hpp"
#include "cpu/sha256d_variants.hpp"
#include "mine/known_headers.hpp"
#include "tune/cpu_sha256d_choice.hpp"
#include "tune/fake_probe.hpp"
#include "tune/machine_key.hpp"
#include "tune/wisdom.hpp"

namespace {

namespace fs = std::filesystem;
using hashflop::results::ChosenBy;
using hashflop::test::FakeProbe;

struct ChoiceTest : ::testing::Test {
  fs::path dir, path;
  std::vector<std::string> lines;
  hashflop::tune::TuneSettings settings;

  void SetUp() override {
    dir = fs::temp_directory_path() /
          (std::string("hashflop-tune-") +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = dir / "wisdom.json";
    settings.wisdom_path = path;
    settings.log = [this](const std::string& line) { lines.push_back(line); };
  }
  void TearDown() override { fs::remove_all(dir); }

  static hashflop::tune::Sha256dInputs inputs() {
    const auto h =
        hashflop::bitcoin::BlockHeader::parse_hex(hashflop::known_headers()[0].header_hex);
    return {h, hashflop::bitcoin::target_from_bits(h.bits()), 1};
  }
  // scalar runs everywhere and is never the CPUID default where any SIMD variant exists: the
  // fake clock makes it win by far.
  static FakeProbe scalar_wins() {
    FakeProbe p;
    p.rates = {{"scalar", 1e9}};
    return p;
  }
  std::string joined() const {
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    return all;
  }
};

const std::string& cpuid_default() {
  static const std::string name(
      hashflop::cpu::best_sha256d_variant(hashflop::cpu::cpu_info().features).name);
  return name;
}

TEST_F(ChoiceTest, AMeasuredWinnerIsPickedAndKeptAsWisdom) {
  auto probe = scalar_wins();
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  EXPECT_EQ(c.variant->name, "scalar");
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured);
  EXPECT_EQ(c.selection.candidates.size(), probe.trials.size() / 6);  // 1 warm-up + 5 rounds
  ASSERT_TRUE(fs::exists(path));

  const auto w = hashflop::tune::Wisdom::load(path);
  EXPECT_TRUE(w.warning().empty()) << w.warning();
  ASSERT_EQ(w.entries().size(), 1u);
  EXPECT_EQ(w.entries()[0].selection.choice, "scalar");
  EXPECT_EQ(w.entries()[0].key, hashflop::tune::cpu_key(1));

  // The next choice comes from the file, without a single trial.
  FakeProbe untouched;
  const auto again = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &untouched);
  EXPECT_EQ(again.variant->name, "scalar");
  EXPECT_EQ(again.selection.chosen_by, ChosenBy::wisdom);
  EXPECT_TRUE(untouched.trials.empty());
  EXPECT_EQ(again.selection.candidates.size(), c.selection.candidates.size());
}

TEST_F(ChoiceTest, RecalibrateMeasuresEvenWithWisdom) {
  auto probe = scalar_wins();
  hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  FakeProbe second;  // every rate 1.0: the CPUID default is kept
  settings.recalibrate = true;
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &second);
  EXPECT_FALSE(second.trials.empty());
  EXPECT_EQ(c.variant->name, cpuid_default());
  EXPECT_EQ(hashflop::tune::Wisdom::load(path).entries().at(0).selection.choice, cpuid_default());
}

TEST_F(ChoiceTest, AnEntryForAnotherBuildIsIgnoredAndSaysWhy) {
  auto key = hashflop::tune::cpu_key(1);
  key.set("build_id", "0123456789abcdef");
  hashflop::results::Selection old;
  old.chosen_by = ChosenBy::measured;
  old.choice = "scalar";
  std::ofstream(path) << hashflop::results::wisdom_text(
      {{"sha256d", std::string(hashflop::tune::sha256d_problem), key, old}});
  FakeProbe probe;
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured);
  EXPECT_EQ(c.variant->name, cpuid_default());
  EXPECT_NE(joined().find("wisdom entry not used (build_id"), std::string::npos) << joined();
  // The foreign entry stays (another build may still use it); ours is added beside it.
  EXPECT_EQ(hashflop::tune::Wisdom::load(path).entries().size(), 2u);
}

TEST_F(ChoiceTest, ACorruptFileIsOneWarningLineAndIsRebuilt) {
  std::ofstream(path) << "{\"schema\": \"hashflop/wisdom/v1\", \"entries\": [";
  auto probe = scalar_wins();
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  EXPECT_EQ(c.variant->name, "scalar");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].find("warning: ignoring the wisdom file: "), 0u) << lines[0];
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  const auto w = hashflop::tune::Wisdom::load(path);
  EXPECT_TRUE(w.warning().empty()) << w.warning();
  EXPECT_EQ(w.entries().size(), 1u);
}

TEST_F(ChoiceTest, AWellFormedFileWithWrongFieldsIsCorruptToo) {
  std::ofstream(path) << R"({"schema": "hashflop/wisdom/v1", "entries": [{"workload": 7}]})";
  const auto w = hashflop::tune::Wisdom::load(path);
  EXPECT_TRUE(w.entries().empty());
  EXPECT_NE(w.warning().find(path.string()), std::string::npos) << w.warning();
  std::ofstream(path) << R"({"schema": "someone/else", "entries": []})";
  EXPECT_NE(hashflop::tune::Wisdom::load(path).warning().find("schema"), std::string::npos);
}

TEST_F(ChoiceTest, AMissingFileWithoutCalibrationFallsBackToCpuid) {
  settings.calibrate = false;
  FakeProbe probe;
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::cpuid);
  EXPECT_EQ(c.variant->name, cpuid_default());
  EXPECT_TRUE(probe.trials.empty());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(lines.empty());
}

TEST_F(ChoiceTest, AnUnwritableFileWarnsAndTheChoiceStands) {
  std::ofstream(dir / "not-a-directory") << "x";
  settings.wisdom_path = dir / "not-a-directory" / "wisdom.json";
  auto probe = scalar_wins();
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  EXPECT_EQ(c.variant->name, "scalar");
  EXPECT_NE(joined().find("warning: cannot save the wisdom file"), std::string::npos) << joined();
}

TEST_F(ChoiceTest, NoWisdomNeitherReadsNorWrites) {
  auto probe = scalar_wins();
  hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  settings.use_wisdom = false;
  FakeProbe second;
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &second);
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured);
  EXPECT_FALSE(second.trials.empty());
  EXPECT_EQ(hashflop::tune::Wisdom::load(path).entries().at(0).selection.choice, "scalar");
}

TEST_F(ChoiceTest, AForcedVariantIsRecordedWithTheCalibratedRates) {
  auto probe = scalar_wins();
  hashflop::tune::choose_cpu_sha256d("", inputs(), settings, &probe);
  const auto c = hashflop::tune::choose_cpu_sha256d(cpuid_default(), inputs(), settings);
  EXPECT_EQ(c.variant->name, cpuid_default());
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::forced);
  EXPECT_FALSE(c.selection.candidates.empty());
  EXPECT_THROW(hashflop::tune::choose_cpu_sha256d("sse9", inputs(), settings),
               hashflop::UsageError);
}

TEST_F(ChoiceTest, TheRealProbeVerifiesAndTimesEveryVariant) {
  settings.use_wisdom = false;
  const auto c = hashflop::tune::choose_cpu_sha256d("", inputs(), settings);
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured);
  for (const auto& cand : c.selection.candidates) {
    EXPECT_EQ(cand.verification, hashflop::Verdict::passed) << cand.name << ": " << cand.detail;
    EXPECT_TRUE(cand.rate.has_value()) << cand.name;  // never asserted on: tests do not time
  }
}

TEST(MachineKey, NamesTheFirstFieldThatDiffers) {
  auto a = hashflop::tune::cpu_key(2);
  EXPECT_EQ(hashflop::tune::key_difference(a, a), "");
  auto b = a;
  b.set("microcode", "0xdead");
  EXPECT_EQ(hashflop::tune::key_difference(a, b).rfind("microcode ", 0), 0u);
  EXPECT_NE(hashflop::tune::key_difference(hashflop::tune::cpu_key(1), a), "");
  EXPECT_FALSE(hashflop::tune::build_id().empty());
}

// A GPU calibration (the CUDA kernel and launch geometry) is kept under the GPU, its driver and
// the build: a new driver, another card of the same name with fewer SMs, or a CPU key never
// matches it.
TEST(MachineKey, AGpuKeyChangesWithTheDriverTheCardAndTheBuild) {
  hashflop::tune::GpuIdentity h200{"NVIDIA H200", "9.0", 132, "580.65.06", "13.0"};
  const auto key = hashflop::tune::gpu_key(h200);
  EXPECT_EQ(key.text("device"), "cuda");
  EXPECT_EQ(key.text("build_id"), hashflop::tune::build_id());
  EXPECT_EQ(hashflop::tune::key_difference(key, hashflop::tune::gpu_key(h200)), "");
  auto newer = h200;
  newer.driver = "580.82.07";
  EXPECT_EQ(hashflop::tune::key_difference(hashflop::tune::gpu_key(newer), key),
            "driver 580.82.07, was 580.65.06");
  auto cut = h200;
  cut.sm_count = 114;
  EXPECT_EQ(hashflop::tune::key_difference(hashflop::tune::gpu_key(cut), key), "sms 114, was 132");
  EXPECT_NE(hashflop::tune::key_difference(hashflop::tune::cpu_key(1), key), "");
}

// Stored under that key, found again only under it.
TEST_F(ChoiceTest, AGpuEntryIsFoundUnderItsOwnKeyOnly) {
  hashflop::tune::GpuIdentity gpu{"NVIDIA H200", "9.0", 132, "580.65.06", "13.0"};
  hashflop::results::Selection s;
  s.chosen_by = ChosenBy::measured;
  s.choice = "cuda-imad/tpb256_npt64";
  s.calibrated_at = "2026-12-03T04:00:00Z";
  auto w = hashflop::tune::Wisdom::load(path);
  ASSERT_EQ(w.store({"sha256d", "cuda nonce search", hashflop::tune::gpu_key(gpu), s}), "");
  const auto again = hashflop::tune::Wisdom::load(path);
  const auto found = again.find("sha256d", "cuda nonce search", hashflop::tune::gpu_key(gpu));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->choice, "cuda-imad/tpb256_npt64");
  gpu.driver = "590.1";
  std::string stale;
  EXPECT_FALSE(again.find("sha256d", "cuda nonce search", hashflop::tune::gpu_key(gpu), &stale));
  EXPECT_EQ(stale, "driver 590.1, was 580.65.06");
  // The CPU search's entry is another problem under another key: untouched.
  EXPECT_FALSE(again.find("sha256d", "cpu nonce search", hashflop::tune::cpu_key(1)));
}

}  // namespace
