// The wisdom file shared by every hashflop process of a user: writers that overlap keep each
// other's entries, and whatever stands at its path (a directory, a device, a FIFO) is named in
// one warning line, never read until memory runs out or waited on.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "results/wisdom_file.hpp"
#include "support/test_dir.hpp"
#include "tune/wisdom.hpp"

namespace {

namespace fs = std::filesystem;
using hashflop::tune::Wisdom;
using hashflop::tune::WisdomEntry;

class WisdomFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hashflop::test::fresh_test_dir("wisdom-file");
    path_ = dir_ / "wisdom.json";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static WisdomEntry entry(int writer, int i) {
    WisdomEntry e;
    e.workload = "sha256d";
    e.problem = "threads=" + std::to_string(writer * 100 + i);
    e.key = {{"writer", writer}};
    e.selection.choice = "scalar";
    return e;
  }
  fs::path dir_, path_;
};

// Each writer loads, stores and so re-reads and renames on its own, as separate processes do
// (flock locks belong to open file descriptions, so threads contend like processes).
TEST_F(WisdomFile, OverlappingWritersLoseNoEntry) {
  constexpr int writers = 6, each = 8;
  static_assert(writers * each <= hashflop::tune::max_wisdom_entries);
  std::vector<std::thread> threads;
  std::vector<std::string> warnings(writers);
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < each; ++i) {
        auto wisdom = Wisdom::load(path_);
        const auto warning = wisdom.store(entry(w, i));
        if (!warning.empty()) warnings[w] = warning;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& w : warnings) EXPECT_TRUE(w.empty()) << w;
  const auto after = Wisdom::load(path_);
  EXPECT_TRUE(after.warning().empty()) << after.warning();
  EXPECT_EQ(after.entries().size(), static_cast<size_t>(writers * each));
}

TEST_F(WisdomFile, ADirectoryAtThePathIsCalledADirectory) {
  fs::create_directories(path_);
  const auto w = Wisdom::load(path_);
  EXPECT_NE(w.warning().find("is a directory"), std::string::npos) << w.warning();
  EXPECT_EQ(w.warning().find("empty file"), std::string::npos) << w.warning();
}

TEST_F(WisdomFile, AnEndlessDeviceIsRefusedNotReadWhole) {
  fs::create_symlink("/dev/zero", path_);
  const auto w = Wisdom::load(path_);
  EXPECT_NE(w.warning().find("is a character device"), std::string::npos) << w.warning();
  EXPECT_TRUE(w.entries().empty());
}

TEST_F(WisdomFile, AFifoIsRefusedNotWaitedOn) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0644), 0);
  const auto w = Wisdom::load(path_);  // would block forever without a writer if it were opened
  EXPECT_NE(w.warning().find("is a FIFO"), std::string::npos) << w.warning();
}

std::string contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file an earlier hashflop wrote (`tune --device cpu --no-gemm`) is read, matched under its
// own key, and written back byte for byte: users keep their calibrations across the change
// from JSON keys to typed ones.
TEST_F(WisdomFile, AFileAnEarlierBuildWroteReadsAndWritesBackUnchanged) {
  const fs::path fixture =
      fs::path(HASHFLOP_TEST_SOURCE_DIR) / "tests/tune/fixtures/wisdom-v1.json";
  const std::string before = contents(fixture);
  ASSERT_FALSE(before.empty());
  const auto entries = hashflop::results::read_wisdom_file(fixture);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].workload, "sha256d");
  EXPECT_EQ(entries[0].key.text("device"), "cpu");
  EXPECT_EQ(entries[0].key.number("threads"), 2.0);
  EXPECT_EQ(entries[0].selection.choice, "shani");
  EXPECT_EQ(hashflop::results::wisdom_text(entries), before);

  fs::copy_file(fixture, path_);
  auto wisdom = Wisdom::load(path_);
  ASSERT_TRUE(wisdom.warning().empty()) << wisdom.warning();
  const auto& e = wisdom.entries().at(0);
  std::string stale;
  EXPECT_TRUE(wisdom.find(e.workload, e.problem, e.key, &stale).has_value());
  auto other = e.key;
  other.set("microcode", "0xdead");
  EXPECT_FALSE(wisdom.find(e.workload, e.problem, other, &stale).has_value());
  EXPECT_EQ(stale, "microcode 0xdead, was 0x1000065");
  ASSERT_EQ(wisdom.store(e), "");
  EXPECT_EQ(contents(path_), before);
}

}  // namespace
