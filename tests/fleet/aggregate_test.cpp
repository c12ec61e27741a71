// The fleet statistics on fixtures: totals, the per-device spread, outliers, shared meters,
// devices that measured nothing, and the fleet fields' round trip through the results JSON.
#include <gtest/gtest.h>

#include "fleet/aggregate.hpp"
#include "results/result.hpp"

namespace {

using RunRecord = hashflop::results::Run;
using nlohmann::json;

// A run of `rate` units/s over three 1 s windows; `watts` 0: no energy.
RunRecord run(const std::string& device, double rate, double watts, unsigned threads = 1) {
  RunRecord r;
  r.workload = "sha256d";
  r.variant = "shani";
  r.device = device;
  r.work_unit = "hash";
  r.params = {{"threads", threads}, {"target_bits", "1d00ffff"}};
  for (int i = 0; i < 3; ++i) {
    const double w = rate * (1 + 0.01 * i);
    hashflop::results::Sample s{w, 1, w, std::nullopt, std::nullopt, std::nullopt};
    if (watts > 0) {
      s.joules = watts;
      s.avg_watts = watts;
      s.per_joule = w / watts;
    }
    r.samples.push_back(s);
    r.work += w;
    r.seconds += 1;
  }
  r.rate = r.work / r.seconds;
  if (watts > 0) {
    hashflop::results::Energy e;
    e.method = "nvml-energy-counter";
    e.joules = 3 * watts;
    e.avg_watts = watts;
    r.energy = e;
    r.per_joule = r.work / e.joules;
  }
  return r;
}

json devices(std::initializer_list<std::pair<const char*, const char*>> id_source) {
  json out = json::array();
  for (const auto& [id, source] : id_source)
    out.push_back({{"id", id}, {"host", "n1"}, {"energy_source", source}});
  return out;
}

TEST(FleetAggregate, TotalsSpreadAndOutliers) {
  // Per joule: 10, 9.5 and 8 (x the window factor): 8 is 15.8% below the median 9.5.
  const std::vector<RunRecord> runs = {run("a", 1000, 100), run("b", 950, 100, 2),
                                       run("c", 800, 100)};
  const auto f =
      hashflop::fleet::summarize(runs, devices({{"a", "gpu-a"}, {"b", "gpu-b"}, {"c", "gpu-c"}}));
  ASSERT_EQ(f.size(), 1u);  // threads differ, but it is one workload and variant
  const auto& e = f[0];
  EXPECT_EQ(e["device_count"], 3);
  const double work = runs[0].work + runs[1].work + runs[2].work;
  EXPECT_DOUBLE_EQ(e["total_work"].get<double>(), work);
  EXPECT_DOUBLE_EQ(e["total_rate"].get<double>(), runs[0].rate + runs[1].rate + runs[2].rate);
  EXPECT_DOUBLE_EQ(e["total_watts"].get<double>(), 300);
  EXPECT_DOUBLE_EQ(e["total_joules"].get<double>(), 900);
  EXPECT_DOUBLE_EQ(e["per_joule"].get<double>(), work / 900);
  EXPECT_DOUBLE_EQ(e["per_device_per_joule"]["median"].get<double>(), *runs[1].per_joule);
  EXPECT_DOUBLE_EQ(e["per_device_per_joule"]["min"].get<double>(), *runs[2].per_joule);
  EXPECT_DOUBLE_EQ(e["per_device_per_joule"]["max"].get<double>(), *runs[0].per_joule);
  EXPECT_EQ(e["outlier_basis"], "per_joule");
  ASSERT_EQ(e["outliers"].size(), 1u);
  EXPECT_EQ(e["outliers"][0]["device"], "c");
  EXPECT_NEAR(e["outliers"][0]["below_median_pct"].get<double>(), 100.0 * 150 / 950, 1e-9);
  ASSERT_EQ(e["window_total_rates"].size(), 3u);
  EXPECT_DOUBLE_EQ(e["window_total_rates"][0].get<double>(), 2750);
  EXPECT_FALSE(e["params"].contains("threads"));
}

TEST(FleetAggregate, JustUnderTenPercentIsNotAnOutlier) {
  const std::vector<RunRecord> runs = {run("a", 1000, 0), run("b", 1000, 0), run("c", 901, 0)};
  const auto e = hashflop::fleet::summarize(runs, json::array())[0];
  EXPECT_EQ(e["outlier_basis"], "rate");  // no energy: judged by rate
  EXPECT_TRUE(e["outliers"].empty());
  EXPECT_TRUE(e["total_watts"].is_null());
  EXPECT_TRUE(e["per_joule"].is_null());
  const auto f = hashflop::fleet::summarize(
      {run("a", 1000, 0), run("b", 1000, 0), run("c", 899, 0)}, json::array());
  EXPECT_EQ(f[0]["outliers"].size(), 1u);
}

TEST(FleetAggregate, DevicesOnOneMeterCountItsEnergyOnce) {
  // Two CPU ranks on one package both read the same RAPL counter: 100 W, not 200 W.
  const std::vector<RunRecord> runs = {run("r0", 500, 100), run("r1", 500, 100)};
  const auto e = hashflop::fleet::summarize(runs, devices({{"r0", "rapl"}, {"r1", "rapl"}}))[0];
  EXPECT_DOUBLE_EQ(e["total_watts"].get<double>(), 100);
  EXPECT_EQ(e["shared_meter_devices"], 2);
  EXPECT_DOUBLE_EQ(e["per_joule"].get<double>(), (runs[0].work + runs[1].work) / 300);
}

TEST(FleetAggregate, UnmeasuredDevicesAreListedNotCounted) {
  auto failed = run("b", 0, 0);
  failed.samples.clear();
  const auto e = hashflop::fleet::summarize({run("a", 1000, 50), failed}, json::array())[0];
  EXPECT_EQ(e["device_count"], 1);
  EXPECT_EQ(e["not_measured"], json::array({"b"}));
  EXPECT_DOUBLE_EQ(e["total_watts"].get<double>(), 50);
}

TEST(FleetAggregate, FleetFieldsRoundTripAndStayOutOfOneDeviceFiles) {
  hashflop::results::Result r;
  EXPECT_FALSE(hashflop::results::to_json(r).contains("fleet"));
  r.runs = {run("a", 1000, 0)};
  r.fleet = hashflop::fleet::summarize(r.runs, json::array());
  r.ranks = json::array({{{"rank", 0}, {"status", "ok"}}});
  const auto j = hashflop::results::to_json(r);
  const auto back = hashflop::results::from_json(j);
  EXPECT_EQ(back.fleet, r.fleet);
  EXPECT_EQ(back.ranks, r.ranks);
  EXPECT_EQ(hashflop::results::to_json(back), j);
}

}  // namespace
