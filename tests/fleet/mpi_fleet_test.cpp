// The fleet end to end: `mpirun -np 2 hashflop run` on CPU ranks over loopback (skipped in a
// build without MPI), a failed rank, a hung rank, and `--device all` without a GPU. Every
// command runs under `timeout` so a hang fails the test instead of stalling ctest.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/shell.hpp"

#include "backend/backend.hpp"
#include "fleet/fleet.hpp"
#include "results/result.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Outcome {
  int exit_code;
  std::string output;
  double seconds;
};

Outcome shell(const std::string& cmd) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto shell_result = hashflop::test::run_shell((cmd + " 2>&1"));
  const std::string& out = shell_result.out;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {shell_result.exit_code, out, s};
}

// Loopback only, root allowed (CI runs as root), no RAPL so energy is honestly absent.
std::string mpirun() {
  return std::string(
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
             "OMPI_MCA_rmaps_base_oversubscribe=1 HASHFLOP_POWERCAP_ROOT=/nonexistent "
             "HASHFLOP_HWMON_ROOT=/nonexistent "
             "timeout -k 5 60 ") +
         HASHFLOP_MPIEXEC +
         " --allow-run-as-root --oversubscribe --mca btl self,vader --mca oob_tcp_if_include lo";
}

const std::string quick =
    " run --quick --duration 0.3 --repetitions 2 --cooldown 0 --workloads sha256d";

fs::path fresh(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / "hashflop-fleet-test" / name;
  fs::create_directories(p.parent_path());
  fs::remove(p);
  return p;
}

json load(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

#define REQUIRE_MPI() \
  if (!hashflop::fleet::mpi_built()) GTEST_SKIP() << "built without MPI (HASHFLOP_ENABLE_MPI)"

TEST(MpiFleet, TwoCpuRanksWriteOneFleetFile) {
  REQUIRE_MPI();
  const auto out = fresh("two.json");
  const auto r =
      shell(mpirun() + " -np 2 " + HASHFLOP_BINARY + quick + " --device cpu --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = load(out);
  EXPECT_EQ(j["schema"], "hashflop/result/v1");
  const auto loaded = hashflop::results::load_result(out);  // a valid v1 file
  ASSERT_EQ(j["devices"].size(), 2u);
  ASSERT_EQ(j["ranks"].size(), 2u);
  std::set<std::string> affinities;
  for (const auto& d : j["devices"]) affinities.insert(d["affinity_list"].get<std::string>());
  EXPECT_EQ(affinities.size(), 2u) << "each rank on its own cores";
  for (const auto& rank : j["ranks"]) EXPECT_EQ(rank["status"], "ok");
  ASSERT_EQ(loaded.runs.size(), 2u);
  EXPECT_NE(loaded.runs[0].device, loaded.runs[1].device);
  ASSERT_EQ(j["fleet"].size(), 1u);
  const auto& f = j["fleet"][0];
  EXPECT_EQ(f["device_count"], 2);
  EXPECT_NEAR(f["total_rate"].get<double>(), loaded.runs[0].rate + loaded.runs[1].rate,
              1e-6 * f["total_rate"].get<double>());
  EXPECT_EQ(f["window_total_rates"].size(), 2u);
  EXPECT_FALSE(j["incomplete"].get<bool>());
  for (int rank = 0; rank < 2; ++rank) {
    EXPECT_FALSE(fs::exists(out.string() + ".rank" + std::to_string(rank) + ".spool"))
        << "a job that ends normally leaves no spool";
  }
  // Only the root prints the tables.
  size_t tables = 0;
  for (size_t at = 0; (at = r.output.find("fleet:\n", at)) != std::string::npos; ++at) ++tables;
  EXPECT_EQ(tables, 1u) << r.output;

  // compare pairs the fleet entry and each rank's runs; report shows the fleet table.
  const std::string bin = HASHFLOP_BINARY;
  const auto c = shell("timeout 60 " + bin + " compare " + out.string() + " " + out.string());
  EXPECT_EQ(c.exit_code, 0) << c.output;
  // Each rank runs the variant its calibration (or the wisdom file) chose: the same on both here,
  // as the one fleet entry above shows.
  const std::string variant = loaded.runs[0].variant;
  EXPECT_NE(c.output.find("fleet sha256d/" + variant + " (2 devices)"), std::string::npos)
      << c.output;
  EXPECT_NE(c.output.find("rank1@"), std::string::npos) << c.output;
  const auto dir = out.parent_path() / "report";
  const auto rep = shell("timeout 60 " + bin + " report " + out.string() +
                         " --no-plots --format md --out " + dir.string());
  EXPECT_EQ(rep.exit_code, 0) << rep.output;
  std::ifstream md(dir / "report.md");
  const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Fleet: "), std::string::npos) << text;
}

TEST(MpiFleet, AFailedRankIsReportedAndTheOthersKept) {
  REQUIRE_MPI();
  const auto out = fresh("failed.json");
  const std::string bin = HASHFLOP_BINARY;
  const auto r = shell(mpirun() + " -np 1 " + bin + quick + " --device cpu --out " + out.string() +
                       " : -np 1 " + bin + quick + " --device cuda:9");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto j = load(out);
  ASSERT_EQ(j["ranks"].size(), 2u);
  EXPECT_EQ(j["ranks"][0]["status"], "ok");
  EXPECT_EQ(j["ranks"][1]["status"], "failed");
  EXPECT_NE(j["ranks"][1]["error"].get<std::string>().find("cuda:9"), std::string::npos);
  ASSERT_EQ(j["runs"].size(), 1u);
  EXPECT_EQ(j["runs"][0]["samples"].size(), 2u);
  EXPECT_EQ(j["fleet"][0]["device_count"], 1);
  EXPECT_TRUE(j["incomplete"].get<bool>());
}

TEST(MpiFleet, AHungRankTimesOutAndTheRootWritesWhatItHas) {
  REQUIRE_MPI();
  const auto out = fresh("hung.json");
  const auto r = shell("HASHFLOP_FLEET_TEST_HANG_RANK=1 " + mpirun() + " -np 2 " + HASHFLOP_BINARY +
                       quick + " --device cpu --rank-timeout 6 --out " + out.string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_LT(r.seconds, 45) << r.output;
  const auto j = load(out);
  EXPECT_TRUE(j["incomplete"].get<bool>());
  ASSERT_EQ(j["ranks"].size(), 2u);
  EXPECT_EQ(j["ranks"][0]["status"], "ok");
  EXPECT_EQ(j["ranks"][1]["status"], "timeout");
}

// A deadline that passes while a collective is pending used to free the buffers MPI was still
// to write (a use-after-free under ASan when the late rank arrived).
TEST(MpiFleet, ATimeoutDuringAgreementKeepsItsBuffersAndEndsTheJobCleanly) {
  REQUIRE_MPI();
  const auto out = fresh("agreement-timeout.json");
  const auto r = shell(mpirun() + " -np 2 " + HASHFLOP_BINARY + quick +
                       " --device cpu --rank-timeout 0.001 --out " + out.string());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("AddressSanitizer"), std::string::npos) << r.output;
  EXPECT_LT(r.seconds, 45) << r.output;
  ASSERT_TRUE(fs::exists(out)) << r.output;
  const auto loaded = hashflop::results::load_result(out);
  EXPECT_TRUE(loaded.incomplete);
  ASSERT_TRUE(loaded.fleet);
  EXPECT_EQ(loaded.fleet->ranks.size(), 2u);
}

// A --rank-timeout past the clock's range used to wrap into the past: every rank gave up at once.
TEST(MpiFleet, AHugeRankTimeoutIsNoTimeout) {
  REQUIRE_MPI();
  const auto out = fresh("huge-timeout.json");
  const auto r = shell(mpirun() + " -np 2 " + HASHFLOP_BINARY + quick +
                       " --device cpu --rank-timeout 1e300 --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto loaded = hashflop::results::load_result(out);
  EXPECT_FALSE(loaded.incomplete);
}

// A rank killed with SIGKILL mid-run: OpenMPI ends the whole job and the root writes nothing,
// but every window the ranks finished is in their spools, and `hashflop recover` merges them.
TEST(MpiFleet, ARankKilledMidRunLosesNoFinishedWindow) {
  REQUIRE_MPI();
  const auto out = fresh("killed.json");
  for (int r = 0; r < 2; ++r) fs::remove(out.string() + ".rank" + std::to_string(r) + ".spool");
  Outcome job{};
  std::thread mpi([&] {
    job = shell(mpirun() + " -np 2 " + HASHFLOP_BINARY +
                " run --quick --duration 0.5 --repetitions 8 --cooldown 0 --workloads sha256d" +
                " --device cpu --out " + out.string());
  });
  // Rank 1's spool: its header (with the pid), then a line per window. Kill after two windows.
  const fs::path spool1 = out.string() + ".rank1.spool";
  long pid = 0;
  int windows = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(50);
  while (windows < 2 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(spool1);
    std::string line;
    windows = 0;
    while (std::getline(in, line)) {
      const auto j = json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      if (j.value("type", "") == "header") pid = j.value("pid", 0L);
      if (j.value("type", "") == "window") ++windows;
    }
  }
  ASSERT_GE(windows, 2) << "rank 1 never spooled two windows";
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
  mpi.join();
  EXPECT_NE(job.exit_code, 0) << job.output;
  ASSERT_FALSE(fs::exists(out)) << "the root finished before the kill: " << job.output;

  const std::string bin = HASHFLOP_BINARY;
  const auto rec = shell("timeout 60 " + bin + " recover " + out.string());
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  const auto loaded = hashflop::results::load_result(out);
  EXPECT_TRUE(loaded.incomplete);
  ASSERT_TRUE(loaded.fleet);
  ASSERT_EQ(loaded.fleet->ranks.size(), 2u);
  EXPECT_EQ(loaded.fleet->ranks[1].status, hashflop::results::RankStatus::failed);
  ASSERT_EQ(loaded.runs.size(), 2u) << "both ranks' sha256d runs, finished or not";
  for (const auto& run : loaded.runs) {
    EXPECT_GE(run.samples.size(), 2u) << run.device;
    EXPECT_GT(run.rate, 0) << run.device;
  }
  EXPECT_FALSE(fs::exists(spool1)) << "recover removes the spools it merged";
  // A second recover has nothing to do, and says so: no error (exit 0).
  const auto again = shell("timeout 60 " + bin + " recover " + out.string());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("nothing to recover"), std::string::npos) << again.output;
}

TEST(DeviceAll, WithoutAGpuIsAnErrorThatSaysSo) {
  if (!hashflop::cuda_unavailable_reason()) GTEST_SKIP() << "this machine has a GPU";
  const auto r = shell(std::string("timeout 60 ") + HASHFLOP_BINARY + quick + " --device all");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("there is none"), std::string::npos) << r.output;
}

}  // namespace
