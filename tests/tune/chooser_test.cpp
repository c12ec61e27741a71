// The one chooser every tuned choice goes through (tune/chooser.hpp), with a made-up tuned
// thing: the order forced, wisdom, fallback, measurement; what is stored and what is said.
#include "tune/chooser.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_dir.hpp"
#include "tune/fake_probe.hpp"
#include "tune/machine_key.hpp"

namespace hashflop::tune {
namespace {

using results::ChosenBy;

struct ChooserTest : ::testing::Test {
  std::filesystem::path dir = test::fresh_test_dir("hashflop-chooser");
  std::vector<std::string> lines;
  TuneSettings settings;
  test::FakeProbe probe;
  ChoiceSpec spec;

  void SetUp() override {
    settings.wisdom_path = dir / "wisdom.json";
    settings.log = [this](const std::string& line) { lines.push_back(line); };
    probe.rates = {{"fast", 300}, {"slow", 100}};
    spec.head = "widget";
    spec.where = {"widget", "widget problem", cpu_key(1), {}};
    spec.candidates = {"plain", "slow", "fast"};
    spec.fallback = "plain";
    spec.fallback_reason = "the plain one, not yet calibrated";
    spec.forced_reason = "named with --widget";
    spec.measuring_line = "calibrating 3 widgets";
    spec.probe = &probe;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  bool said(std::string_view part) const {
    for (const auto& l : lines) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(ChooserTest, MeasuresThenAnswersFromWisdomWithoutMeasuring) {
  const auto first = choose(spec, settings);
  EXPECT_EQ(first.chosen_by, ChosenBy::measured);
  EXPECT_EQ(first.choice, "fast");
  EXPECT_TRUE(said("widget: calibrating 3 widgets"));
  EXPECT_TRUE(said("widget: fast chosen by measurement in"));
  ASSERT_TRUE(std::filesystem::exists(settings.wisdom_path));

  probe.trials.clear();
  const auto again = choose(spec, settings);
  EXPECT_EQ(again.chosen_by, ChosenBy::wisdom);
  EXPECT_EQ(again.choice, "fast");
  EXPECT_TRUE(probe.trials.empty());
  EXPECT_TRUE(said("widget: fast from wisdom ("));
}

TEST_F(ChooserTest, RecalibrateMeasuresEvenWithWisdom) {
  (void)choose(spec, settings);
  probe.rates = {{"slow", 1000}};
  settings.recalibrate = true;
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.chosen_by, ChosenBy::measured);
  EXPECT_EQ(c.choice, "slow");
}

TEST_F(ChooserTest, ForcedIsUsedAsGivenAndReadsNoFile) {
  spec.forced = "slow";
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.chosen_by, ChosenBy::forced);
  EXPECT_EQ(c.choice, "slow");
  EXPECT_EQ(c.reason, "named with --widget");
  EXPECT_TRUE(probe.trials.empty());
  EXPECT_FALSE(std::filesystem::exists(settings.wisdom_path));
}

TEST_F(ChooserTest, ForcedCanShowWhatWisdomMeasured) {
  (void)choose(spec, settings);
  spec.forced = "plain";
  spec.forced_shows_wisdom = true;
  lines.clear();
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.chosen_by, ChosenBy::forced);
  EXPECT_EQ(c.choice, "plain");
  EXPECT_EQ(c.candidates.size(), 3u);  // the calibration's rates, for comparison
  EXPECT_TRUE(lines.empty());          // quietly
}

TEST_F(ChooserTest, WithoutCalibrationTheFallbackRunsAndNothingIsStored) {
  settings.calibrate = false;
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.chosen_by, ChosenBy::cpuid);
  EXPECT_EQ(c.choice, "plain");
  EXPECT_EQ(c.reason, "the plain one, not yet calibrated");
  EXPECT_TRUE(probe.trials.empty());
  EXPECT_FALSE(std::filesystem::exists(settings.wisdom_path));
}

TEST_F(ChooserTest, ARefusedStoredChoiceIsSaidAndMeasuredAgain) {
  (void)choose(spec, settings);
  spec.refuse_stored = [](const results::Selection& s) {
    return s.choice == "fast" ? std::string("fast is gone") : std::string();
  };
  spec.candidates = {"plain", "slow"};
  lines.clear();
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.chosen_by, ChosenBy::measured);
  EXPECT_EQ(c.choice, "slow");
  EXPECT_TRUE(said("widget: wisdom entry not used (fast is gone)"));
}

TEST_F(ChooserTest, WhatCannotBeMeasuredFallsBackWithTheReason) {
  spec.cannot_measure = [] { return std::string("needs 9 GiB"); };
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.chosen_by, ChosenBy::cpuid);
  EXPECT_EQ(c.reason, "needs 9 GiB");
  EXPECT_TRUE(said("widget: needs 9 GiB"));
  EXPECT_TRUE(probe.trials.empty());
}

TEST_F(ChooserTest, AMeasurementItsOwnerDoesNotKeepIsNeitherAnnouncedNorStored) {
  spec.measure = [] {
    results::Selection s;
    s.chosen_by = ChosenBy::measured;
    s.choice = "plain";
    s.reason = "nothing passed";
    return s;
  };
  spec.keep = [](const results::Selection&) { return false; };
  const auto c = choose(spec, settings);
  EXPECT_EQ(c.reason, "nothing passed");
  EXPECT_FALSE(said("chosen by measurement"));
  EXPECT_FALSE(std::filesystem::exists(settings.wisdom_path));
}

}  // namespace
}  // namespace hashflop::tune
