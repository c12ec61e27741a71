// The fleet statistics on fixtures: totals, the per-device spread, outliers, shared meters,
// devices that measured nothing, and the fleet fields' round trip through the results JSON.
#include <gtest/gtest.h>

#include "fleet/aggregate.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"

namespace {

using RunRecord = hashflop::results::Run;
using nlohmann::json;

// A run of `rate` units/s over three 1 s windows; `watts` 0: no energy.
RunRecord run(const std::string& device, double rate, double watts, unsigned threads = 1) {
  RunRecord r;
  r.workload = hashflop::WorkloadKind::sha256d;
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

std::vector<hashflop::results::DeviceRecord> devices(
    std::initializer_list<std::pair<const char*, const char*>> id_source) {
  std::vector<hashflop::results::DeviceRecord> out;
  for (const auto& [id, source] : id_source) {
    hashflop::results::DeviceRecord d;
    d.id = id;
    d.energy_source = source;
    d.placement.emplace();
    d.placement->host = "n1";
    out.push_back(d);
  }
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
  EXPECT_EQ(e.device_count, 3);
  const double work = runs[0].work + runs[1].work + runs[2].work;
  EXPECT_DOUBLE_EQ(e.total_work, work);
  EXPECT_DOUBLE_EQ(e.total_rate, runs[0].rate + runs[1].rate + runs[2].rate);
  EXPECT_DOUBLE_EQ(*e.total_watts, 300);
  EXPECT_DOUBLE_EQ(*e.total_joules, 900);
  EXPECT_DOUBLE_EQ(*e.per_joule, work / 900);
  EXPECT_DOUBLE_EQ(e.per_device_per_joule->median, *runs[1].per_joule);
  EXPECT_DOUBLE_EQ(e.per_device_per_joule->min, *runs[2].per_joule);
  EXPECT_DOUBLE_EQ(e.per_device_per_joule->max, *runs[0].per_joule);
  EXPECT_TRUE(e.outliers_by_per_joule);
  ASSERT_EQ(e.outliers.size(), 1u);
  EXPECT_EQ(e.outliers[0].device, "c");
  EXPECT_NEAR(e.outliers[0].below_median_pct, 100.0 * 150 / 950, 1e-9);
  ASSERT_EQ(e.window_total_rates.size(), 3u);
  EXPECT_DOUBLE_EQ(e.window_total_rates[0], 2750);
  EXPECT_FALSE(e.params.find("threads"));
}

TEST(FleetAggregate, JustUnderTenPercentIsNotAnOutlier) {
  const std::vector<RunRecord> runs = {run("a", 1000, 0), run("b", 1000, 0), run("c", 901, 0)};
  const auto e = hashflop::fleet::summarize(runs, {})[0];
  EXPECT_FALSE(e.outliers_by_per_joule);  // no energy: judged by rate
  EXPECT_TRUE(e.outliers.empty());
  EXPECT_FALSE(e.total_watts);
  EXPECT_FALSE(e.per_joule);
  const auto f =
      hashflop::fleet::summarize({run("a", 1000, 0), run("b", 1000, 0), run("c", 899, 0)}, {});
  EXPECT_EQ(f[0].outliers.size(), 1u);
}

TEST(FleetAggregate, DevicesOnOneMeterCountItsEnergyOnce) {
  // Two CPU ranks on one package both read the same RAPL counter: 100 W, not 200 W.
  const std::vector<RunRecord> runs = {run("r0", 500, 100), run("r1", 500, 100)};
  const auto e = hashflop::fleet::summarize(runs, devices({{"r0", "rapl"}, {"r1", "rapl"}}))[0];
  EXPECT_DOUBLE_EQ(*e.total_watts, 100);
  EXPECT_EQ(e.shared_meter_devices, 2);
  EXPECT_DOUBLE_EQ(*e.per_joule, (runs[0].work + runs[1].work) / 300);
}

TEST(FleetAggregate, UnmeasuredDevicesAreListedNotCounted) {
  auto failed = run("b", 0, 0);
  failed.samples.clear();
  const auto e = hashflop::fleet::summarize({run("a", 1000, 50), failed}, {})[0];
  EXPECT_EQ(e.device_count, 1);
  EXPECT_EQ(e.not_measured, std::vector<std::string>{"b"});
  EXPECT_DOUBLE_EQ(*e.total_watts, 50);
}

TEST(FleetAggregate, FleetFieldsRoundTripAndStayOutOfOneDeviceFiles) {
  hashflop::results::Result r;
  EXPECT_FALSE(hashflop::results::to_json(r).contains("fleet"));
  r.runs = {run("a", 1000, 0)};
  hashflop::results::RankRecord ok;
  ok.rank = 0;
  ok.host = "n1";
  ok.device = "rank0@n1/cpu";
  hashflop::results::RankRecord lost;
  lost.rank = 1;
  lost.status = hashflop::results::RankStatus::timeout;
  lost.error = "no result";
  lost.incomplete = true;
  r.fleet = hashflop::results::Fleet{hashflop::fleet::summarize(r.runs, {}), {ok, lost}};
  const auto j = hashflop::results::to_json(r);
  EXPECT_FALSE(j["ranks"][1].contains("device"));  // a timed-out rank: only what the root knows
  const auto back = hashflop::results::from_json(j);
  ASSERT_TRUE(back.fleet);
  EXPECT_EQ(back.fleet->ranks.size(), 2u);
  EXPECT_EQ(back.fleet->ranks[1].status, hashflop::results::RankStatus::timeout);
  EXPECT_EQ(hashflop::results::to_json(back), j);
}

}  // namespace
