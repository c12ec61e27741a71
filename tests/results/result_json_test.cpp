// The result model survives a JSON round trip, the loader checks the schema, and writes are
// atomic (no temporary file is left behind).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"

namespace {

using namespace hashflop::results;
namespace fs = std::filesystem;

Result sample_result() {
  Result r;
  r.tool_version = "0.1.0";
  r.git_commit = "abc1234";
  r.started = "2024-05-01T12:00:00Z";
  r.finished = "2024-05-01T12:01:00Z";
  r.host.cpu_model = "Test CPU";
  r.host.logical_cores = 2;
  r.devices.emplace_back();
  r.devices[0].id = "cpu";
  r.devices[0].name = "Test CPU";
  Run hash;
  hash.workload = hashflop::WorkloadKind::sha256d;
  hash.variant = "shani";
  hash.device = "cpu";
  hash.work_unit = "hash";
  hash.params = {{"threads", 2}};
  hash.samples = {{2e7, 1.0, 2e7, 40.0, 40.0, 5e5}, {2.2e7, 1.0, 2.2e7, 44.0, 44.0, 5e5}};
  hash.work = 4.2e7;
  hash.seconds = 2;
  hash.rate = 2.1e7;
  hash.energy = Energy{"rapl", false, 84.0, 42.0, 10.0, 64.0, std::nullopt, std::nullopt};
  hash.per_joule = 5e5;
  hash.stats = compute_stats({2e7, 2.2e7});
  hash.per_joule_stats = compute_stats({5e5, 5e5});
  hash.verification = hashflop::Verdict::passed;
  Telemetry telemetry;
  telemetry.samples = 40;
  telemetry.trace.push_back({});
  telemetry.trace[0].t = 0.5;
  telemetry.trace[0].watts = 41.5;
  telemetry.windows.push_back({0, 1});
  hash.telemetry = telemetry;
  Run gemm = hash;
  gemm.workload = hashflop::WorkloadKind::gemm;
  gemm.variant = "avx512";
  gemm.work_unit = "flop";
  gemm.params = {{"dtype", "fp32"}, {"m", 2048}};
  gemm.per_joule = 1.5e9;
  Run none = gemm;
  none.variant = "openblas";
  none.energy.reset();
  none.per_joule.reset();
  none.per_joule_stats.reset();
  none.energy_unavailable_reason = "no meter";
  r.runs = {hash, gemm, none};
  return r;
}

TEST(ResultJson, RoundTripsThroughJson) {
  const auto r = sample_result();
  const auto j = to_json(r);
  EXPECT_EQ(j["schema"], "hashflop/result/v1");
  EXPECT_TRUE(j["runs"][2]["energy"].is_null());
  EXPECT_TRUE(j["runs"][2]["per_joule"].is_null());
  EXPECT_EQ(j["runs"][2]["energy_unavailable_reason"], "no meter");
  const auto back = from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(to_json(back), j);
  ASSERT_EQ(back.runs.size(), 3u);
  EXPECT_EQ(back.runs[0].energy->idle_watts, 10.0);
  EXPECT_EQ(back.runs[1].stats.ci95_high, r.runs[1].stats.ci95_high);
}

TEST(ResultJson, WindowClockRatioAndShortMarkRoundTripAndOldFilesReadWithoutThem) {
  auto r = sample_result();
  auto& s = r.runs[0].samples[0];
  s.sm_mhz = 1755;
  s.integral_joules = 36.0;
  s.counter_to_integral = 40.0 / 36.0;
  s.short_window = true;
  const auto j = to_json(r);
  const auto back = from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(to_json(back), j);
  const auto& b = back.runs[0].samples[0];
  EXPECT_EQ(b.sm_mhz, 1755.0);
  EXPECT_EQ(b.integral_joules, 36.0);
  EXPECT_EQ(b.counter_to_integral, 40.0 / 36.0);
  EXPECT_TRUE(b.short_window);
  // The other window measured none of it: its keys are absent, not zero or false.
  const auto& other = j["runs"][0]["samples"][1];
  for (const char* key : {"sm_mhz", "integral_joules", "counter_to_integral", "short_window"})
    EXPECT_FALSE(other.contains(key)) << key;

  // A file written before these fields existed.
  auto old = j;
  for (auto& sample : old["runs"][0]["samples"]) {
    for (const char* key : {"sm_mhz", "integral_joules", "counter_to_integral", "short_window"})
      sample.erase(key);
  }
  const auto read = from_json(old);
  EXPECT_FALSE(read.runs[0].samples[0].sm_mhz);
  EXPECT_FALSE(read.runs[0].samples[0].counter_to_integral);
  EXPECT_FALSE(read.runs[0].samples[0].short_window);
  EXPECT_FALSE(counter_to_integral_spread(read.runs[0]));
  EXPECT_EQ(short_windows(read.runs[0]), 0u);
  EXPECT_EQ(short_windows(back.runs[0]), 1u);
  const auto spread = counter_to_integral_spread(back.runs[0]);
  ASSERT_TRUE(spread);
  EXPECT_EQ(spread->n, 1u);
  EXPECT_EQ(spread->median, 40.0 / 36.0);
}

// host, devices, harness, params and telemetry are typed in memory: a document with every key
// an earlier hashflop wrote (a GPU's facts, a fleet rank's placement, nested params with
// integers, negatives and fractions) reads and writes back to the same text.
TEST(ResultJson, TypedFactsWriteBackTheTextTheyWereReadFrom) {
  auto j = to_json(sample_result());
  j["host"] = nlohmann::json::parse(R"({"cpu_features": ["avx2", "sha"], "cpu_model": "AMD EPYC",
      "hostname": "vm", "kernel": "6.1", "kernel_version": "#1 SMP", "logical_cores": 2,
      "machine": "x86_64", "os": "Linux"})");
  j["devices"] = nlohmann::json::parse(R"([{"id": "rank0@n1/cuda:0", "local_id": "cuda:0",
      "name": "H100", "energy_source": "nvml", "properties": {"SMs": 132},
      "pci_bus_id": "0000:01:00.0", "sm_count": "132", "driver_version": "550",
      "runtime_version": "12.4", "sm_clock_max": "1980 MHz", "memory_clock_max": "2619 MHz",
      "power_limit_watts": null, "rank": 0, "host": "n1", "affinity": [0, 1],
      "affinity_list": "0-1", "affinity_source": "hashflop", "threads": 2}])");
  j["harness"] = nlohmann::json::parse(R"({"cooldown_s": 1.0, "duration_s": 1.0,
      "energy_method": "nvml-energy-counter", "energy_source": "nvml", "idle_s": 1.0,
      "repetitions": 3, "warmup_max_windows": 4, "warmup_window_s": 0.25,
      "launcher": "mpi", "ranks": 2})");
  j["runs"][1]["params"] = nlohmann::json::parse(R"({"dtype": "fp32", "m": 2048,
      "flops_per_product": 17179869184.0, "offset": -3, "flag": true, "none": null,
      "settings": {"products": [{"name": "qkv", "candidates": [{"seconds_per_pass": 0.5}]}]}})");
  j["runs"][1]["telemetry"] = nlohmann::json::parse(R"({"clock_event_reasons": ["sw_power_cap"],
      "mem_mhz": null, "samples": 3, "sm_mhz": {"max": 1980.0, "median": 1755.0, "min": 1410.0},
      "temp_c": null, "trace": [{"mem_mhz": null, "reasons": 4, "sm_mhz": 1410.0, "t": 0.0,
      "temp_c": 61.0, "watts": 300.5}], "watts": null,
      "windows": [{"end": 1.03, "start": 0.0}]})");
  const auto back = from_json(j);
  EXPECT_EQ(to_json(back).dump(2), j.dump(2));
  EXPECT_EQ(back.devices[0].gpu->pci_bus_id, "0000:01:00.0");
  EXPECT_EQ(back.devices[0].placement->host, "n1");
  EXPECT_EQ(back.harness.launcher, "mpi");
  EXPECT_EQ(back.runs[1].params.text("dtype"), "fp32");
  EXPECT_EQ(back.runs[1].params.number("offset"), -3.0);
  ASSERT_TRUE(back.runs[1].telemetry);
  EXPECT_EQ(back.runs[1].telemetry->trace.at(0).watts, 300.5);
}

TEST(ResultJson, HeadlineIsTheRatioOfBestPerJoule) {
  const auto h = headline(sample_result());
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->per_joule);
  EXPECT_EQ(h->gemm_variant, "avx512");
  EXPECT_DOUBLE_EQ(*h->flops_per_hash, 1.5e9 / 5e5);
  const auto j = to_json(sample_result())["headline"];
  EXPECT_EQ(j["basis"], "energy");
  EXPECT_DOUBLE_EQ(j["flops_per_joule"].get<double>(), h->flops);
}

TEST(ResultJson, LoaderChecksTheSchema) {
  EXPECT_THROW(from_json({{"schema", "hashflop/result/v0"}}), hashflop::Error);
  EXPECT_THROW(from_json({{"runs", 1}}), hashflop::Error);
  auto j = to_json(sample_result());
  j.erase("runs");
  EXPECT_THROW(from_json(j), hashflop::Error);
}

// A measured quantity is finite, not negative and below 1e30: a file that says otherwise was not
// written by a measurement, and the reader names the field (report once printed "-1 million").
TEST(ResultJson, NegativeOrAbsurdQuantitiesAreRefusedNamingTheField) {
  const auto refused = [](nlohmann::json j, const std::string& field) {
    try {
      from_json(j);
      ADD_FAILURE() << field << " was accepted";
    } catch (const hashflop::Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  const auto good = to_json(sample_result());
  auto j = good;
  j["runs"][0]["per_joule"] = -1.0;
  refused(j, "per_joule");
  j = good;
  j["runs"][0]["rate"] = 1e308;
  refused(j, "rate");
  j = good;
  j["runs"][0]["samples"][0]["seconds"] = -0.5;
  refused(j, "seconds");
  EXPECT_NO_THROW(from_json(good));
}

// Every kind hashflop ever wrote is sha256d, gemm or transformer: another name is a damaged or
// foreign file, refused with the kinds this reader knows rather than carried as text.
TEST(ResultJson, WorkloadKindsKeepTheirNamesAndAnUnknownOneIsRefusedNamingTheKnown) {
  auto j = to_json(sample_result());
  EXPECT_EQ(j["runs"][0]["workload"], "sha256d");
  EXPECT_EQ(j["runs"][1]["workload"], "gemm");
  j["runs"][1]["workload"] = "transformer";
  EXPECT_EQ(from_json(j).runs[1].workload, hashflop::WorkloadKind::transformer);
  j["runs"][1]["workload"] = "scrypt";
  try {
    from_json(j);
    ADD_FAILURE() << "an unknown workload was accepted";
  } catch (const hashflop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown workload \"scrypt\" (known: sha256d, gemm, "
                                         "transformer)"),
              std::string::npos)
        << e.what();
  }
}

TEST(ResultJson, WritesAtomicallyAndLoadsBack) {
  const fs::path dir = fs::temp_directory_path() / "hashflop-results-test" / "nested";
  fs::remove_all(dir.parent_path());
  const fs::path file = dir / "r.json";
  // A folder that does not exist is not made: a typo in --out must not become a new folder.
  EXPECT_THROW(write_atomically(file, "{}"), hashflop::UsageError);
  EXPECT_FALSE(fs::exists(dir));
  fs::create_directories(dir);
  write_atomically(file, to_json(sample_result()).dump(2));
  write_atomically(file, to_json(sample_result()).dump(2));  // replaces
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);  // no temporary left behind
  EXPECT_EQ(load_result(file).runs.size(), 3u);
  std::ofstream(dir / "bad.json") << "{not json";
  EXPECT_THROW(load_result(dir / "bad.json"), hashflop::Error);
  EXPECT_THROW(load_result(dir / "missing.json"), hashflop::Error);
  fs::remove_all(dir.parent_path());
}

}  // namespace
