// The memory a command may allocate is the least of MemAvailable, the process's ulimit -v and
// -d headroom, and every cgroup limit on its way to the root; each figure names its source.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/memory_budget.hpp"
#include "support/shell.hpp"
#include "support/test_dir.hpp"

// A sanitizer's runtime reserves terabytes of address space at start: under ulimit -v the binary
// cannot start at all, so the end-to-end check is for plain builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HASHFLOP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HASHFLOP_SANITIZED 1
#endif
#endif

namespace {

namespace fs = std::filesystem;
using hashflop::MemorySources;

class MemoryBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = hashflop::test::fresh_test_dir("memory-budget");
    fs::create_directories(root_ / "proc" / "self");
    fs::create_directories(root_ / "cg");
    write("proc/meminfo", "MemTotal: 16000000 kB\nMemAvailable:    8000000 kB\n");
    write("proc/self/status", "Name: hashflop\nVmSize:   100000 kB\nVmData:    50000 kB\n");
    write("proc/self/cgroup", "0::/\n");
    s_.proc = root_ / "proc";
    s_.cgroup_root = root_ / "cg";
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  fs::path root_;
  MemorySources s_;
};

TEST_F(MemoryBudgetTest, WithoutLimitsItIsMemAvailable) {
  const auto b = hashflop::memory_budget(s_);
  EXPECT_EQ(b.bytes, 8000000ull * 1024);
  EXPECT_NE(b.limited_by.find("MemAvailable"), std::string::npos) << b.limited_by;
}

TEST_F(MemoryBudgetTest, AnAddressSpaceLimitLeavesItsHeadroomOverTheMappedSize) {
  s_.address_space_limit = 1000000ull * 1024;
  const auto b = hashflop::memory_budget(s_);
  EXPECT_EQ(b.bytes, (1000000ull - 100000) * 1024);
  EXPECT_NE(b.limited_by.find("ulimit -v"), std::string::npos) << b.limited_by;
}

TEST_F(MemoryBudgetTest, ADataLimitCountsTheDataSegment) {
  s_.data_limit = 200000ull * 1024;
  EXPECT_EQ(hashflop::memory_budget(s_).bytes, 150000ull * 1024);
}

TEST_F(MemoryBudgetTest, TheTightestCgroupOnTheWayToTheRootWins) {
  write("proc/self/cgroup", "0::/slurm/job42/step0\n");
  write("cg/slurm/memory.max", "max\n");
  write("cg/slurm/job42/memory.max", "2147483648\n");
  write("cg/slurm/job42/memory.current", "1073741824\n");
  write("cg/slurm/job42/step0/memory.max", "4294967296\n");
  write("cg/slurm/job42/step0/memory.current", "1000\n");
  const auto b = hashflop::memory_budget(s_);
  EXPECT_EQ(b.bytes, 1073741824ull);
  EXPECT_NE(b.limited_by.find("job42"), std::string::npos) << b.limited_by;
  EXPECT_EQ(b.limited_by.find("step0"), std::string::npos) << b.limited_by;
}

TEST_F(MemoryBudgetTest, ACgroupV1MemoryControllerIsRead) {
  write("proc/self/cgroup", "12:cpu,cpuacct:/docker/abc\n9:memory:/docker/abc\n");
  write("cg/memory/docker/abc/memory.limit_in_bytes", "536870912\n");
  write("cg/memory/docker/abc/memory.usage_in_bytes", "268435456\n");
  write("cg/memory/memory.limit_in_bytes", "9223372036854771712\n");  // v1's "no limit"
  EXPECT_EQ(hashflop::memory_budget(s_).bytes, 268435456ull);
}

// End to end: under `ulimit -v` a GEMM that cannot fit is bad input before anything is
// allocated or calibrated (it once calibrated for 33 s and died of std::bad_alloc, exit 1).
TEST(MemoryBudgetCli, AGemmBeyondUlimitIsRefusedBeforeItStarts) {
#ifdef HASHFLOP_SANITIZED
  GTEST_SKIP() << "a sanitizer's shadow memory cannot start under ulimit -v";
#endif
  const auto r = hashflop::test::run_shell(
      "ulimit -v 2000000 && XDG_CACHE_HOME=" + fs::temp_directory_path().string() +
      "/memory-budget-cli timeout 60 " + hashflop::test::hashflop_binary() +
      " gemm --device cpu --size 16384 --repetitions 1 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("ulimit -v"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("bad_alloc"), std::string::npos) << r.out;
}

}  // namespace
