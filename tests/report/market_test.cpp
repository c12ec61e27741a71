// The market file: the shipped one loads with a source and date for every figure; overrides and
// malformed files fail with clear UsageErrors.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "report/market.hpp"

namespace hashflop::report {
namespace {

namespace fs = std::filesystem;
const fs::path shipped = fs::path(HASHFLOP_TEST_SOURCE_DIR) / "results/market/2025-11.json";

TEST(Market, ShippedFileHasEveryFigureWithSourceAndDate) {
  const Market m = load_market(shipped);
  EXPECT_EQ(m.name, "2025-11");
  ASSERT_EQ(m.values.size(), market_keys().size());
  for (const auto& [key, v] : m.values) {
    EXPECT_FALSE(v.source.empty()) << key;
    EXPECT_FALSE(v.date.empty()) << key;
    EXPECT_GT(v.value, 0) << key;
  }
  EXPECT_DOUBLE_EQ(m.at("block_subsidy_btc"), 3.125);
  EXPECT_DOUBLE_EQ(m.at("difficulty"), 149.3e12);
  EXPECT_DOUBLE_EQ(m.at("pue"), 1.5);
  ASSERT_GE(m.asics.size(), 3u);
  EXPECT_EQ(m.asics[1].model, "Antminer S21 XP");
  EXPECT_DOUBLE_EQ(m.asics[1].j_per_th, 13.5);
  for (const auto& a : m.asics) EXPECT_FALSE(a.source.empty()) << a.model;
}

TEST(Market, SetOverridesOneFieldAndSaysSo) {
  Market m = load_market(shipped);
  m.apply_override("btc_price_usd=120000");
  EXPECT_DOUBLE_EQ(m.at("btc_price_usd"), 120000);
  EXPECT_TRUE(m.values.at("btc_price_usd").overridden);
  EXPECT_NE(m.values.at("btc_price_usd").source.find("--set"), std::string::npos);
  EXPECT_DOUBLE_EQ(m.at("difficulty"), 149.3e12);  // nothing else moved
}

TEST(Market, BadOverridesAreUsageErrors) {
  Market m = load_market(shipped);
  EXPECT_THROW(m.apply_override("btc_prise=1"), UsageError);
  EXPECT_THROW(m.apply_override("btc_price_usd"), UsageError);
  EXPECT_THROW(m.apply_override("btc_price_usd=abc"), UsageError);
  EXPECT_THROW(m.apply_override("btc_price_usd=12x"), UsageError);
  EXPECT_THROW(m.apply_override("pue=-1"), UsageError);
  try {
    m.apply_override("nope=1");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown market key 'nope'"), std::string::npos);
  }
}

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p;
}

void expect_error(const fs::path& p, const std::string& needle) {
  try {
    load_market(p);
    ADD_FAILURE() << "no error for " << p;
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Market, MalformedFilesAreUsageErrorsNamingTheProblem) {
  expect_error(write_temp("hf-market-notjson.json", "{ nope"), "not JSON");
  expect_error(write_temp("hf-market-schema.json", R"({"schema": "x"})"), "schema");
  expect_error(fs::path("/nonexistent/market.json"), "cannot read");
  // A complete file missing one key, then one with a string where a number belongs.
  std::ifstream in(shipped);
  nlohmann::json j = nlohmann::json::parse(in);
  j["asics_file"] = (shipped.parent_path() / "asics.json").string();
  auto missing = j;
  missing["values"].erase("pue");
  expect_error(write_temp("hf-market-missing.json", missing.dump()), "values.pue: missing");
  auto text = j;
  text["values"]["difficulty"]["value"] = "149.3T";
  expect_error(write_temp("hf-market-text.json", text.dump()), "difficulty.value: not a number");
  auto extra = j;
  extra["values"]["hashprice"] = {{"value", 1}};
  expect_error(write_temp("hf-market-extra.json", extra.dump()), "unknown market key");
}

// Values no market has had, and ranges that do not hold their value, are refused at the reader
// with the field named: they once printed "$inf per PH/s per day" and 300-digit prices.
TEST(Market, ImplausibleValuesAndInvertedRangesNameTheField) {
  std::ifstream in(shipped);
  nlohmann::json j = nlohmann::json::parse(in);
  j["asics_file"] = (shipped.parent_path() / "asics.json").string();
  auto btc = j;
  btc["values"]["btc_price_usd"]["value"] = 1e308;
  expect_error(write_temp("hf-market-btc.json", btc.dump()), "values.btc_price_usd.value");
  auto pue = j;
  pue["values"]["pue"]["value"] = 1e-300;
  pue["values"]["pue"].erase("low");
  expect_error(write_temp("hf-market-pue.json", pue.dump()), "values.pue.value");
  auto inverted = j;
  inverted["values"]["electricity_usd_per_kwh"]["low"] = 5;
  inverted["values"]["electricity_usd_per_kwh"]["high"] = 0.001;
  expect_error(write_temp("hf-market-inverted.json", inverted.dump()),
               "values.electricity_usd_per_kwh: range 5 to 0.001");

  Market m = load_market(shipped);
  EXPECT_THROW(m.apply_override("btc_price_usd=1e308"), UsageError);
  EXPECT_THROW(m.apply_override("pue=1e-300"), UsageError);
}

}  // namespace
}  // namespace hashflop::report
