// Where results go when the path is not a plain new file, and what a stop signal leaves behind:
// a device, FIFO or link at --out is written through or refused, never replaced (as root,
// replacing /dev/null would break the machine); SIGTERM and SIGHUP, which `timeout`, batch
// schedulers and closed SSH sessions send, keep the finished windows as Ctrl-C does.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/shell.hpp"
#include "support/test_dir.hpp"

namespace {

namespace fs = std::filesystem;

class OutputPaths : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = hashflop::test::fresh_test_dir("output-paths"); }
  void TearDown() override { fs::remove_all(dir_); }

  // No energy meter: the runs are short and must not depend on the machine's RAPL.
  std::string env() const {
    return "HASHFLOP_POWERCAP_ROOT=/nonexistent HASHFLOP_HWMON_ROOT=/nonexistent "
           "XDG_CACHE_HOME=" +
           (dir_ / "cache").string() + " ";
  }
  hashflop::test::ShellResult shell(const std::string& command) const {
    // `cd DIR && CMD &` would put the cd in the background too: each is a command of its own.
    return hashflop::test::run_shell("cd " + dir_.string() + " || exit 99; " + command);
  }
  std::string short_run(const std::string& out) const {
    return env() + "timeout 120 " + hashflop::test::hashflop_binary() +
           " run --device cpu --workloads sha256d --threads 1 --quick --duration 0.1 "
           "--repetitions 1 --cooldown 0 --out " +
           out + " 2>&1";
  }
  fs::path dir_;
};

TEST_F(OutputPaths, ALinkToDevNullIsWrittenThroughAndStaysALink) {
  fs::create_symlink("/dev/null", dir_ / "null-link");
  const auto r = shell(short_run("null-link"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(fs::is_symlink(dir_ / "null-link"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(OutputPaths, ACharacterDeviceIsWrittenThroughNotReplaced) {
  if (::geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  ASSERT_EQ(::mknod((dir_ / "x").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);  // /dev/null's
  const auto r = shell(short_run("x"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(fs::is_character_file(dir_ / "x")) << "the device was replaced by a file";
}

TEST_F(OutputPaths, AFifoIsWrittenThroughToItsReader) {
  ASSERT_EQ(::mkfifo((dir_ / "pipe").c_str(), 0644), 0);
  const auto r = shell("(cat pipe > copy.json &) && " + short_run("pipe"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(fs::is_fifo(dir_ / "pipe"));
  // The reader may still be flushing.
  for (int i = 0; i < 100 && fs::file_size(dir_ / "copy.json") == 0; ++i) ::usleep(50000);
  std::ifstream in(dir_ / "copy.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("schema"), "hashflop/result/v1");
}

// --out /dev/stdout writes to the descriptor the shell gave: appended after what is already
// there, with the table printed before it, and the file the shell opened kept.
TEST_F(OutputPaths, StandardOutputIsWrittenToAsTheShellOpenedIt) {
  std::ofstream(dir_ / "log.txt") << "first line\n";
  const auto r = shell(short_run("/dev/stdout") + " >> log.txt");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(dir_ / "log.txt");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind("first line\n", 0), 0u) << text;
  const auto json_start = text.find("\n{");
  ASSERT_NE(json_start, std::string::npos) << text;
  EXPECT_LT(text.find("sha256d"), json_start) << "the table comes first";
  EXPECT_EQ(nlohmann::json::parse(text.substr(json_start)).at("schema"), "hashflop/result/v1");
}

TEST_F(OutputPaths, ALinkToAFileReplacesTheFileAndKeepsTheLink) {
  std::ofstream(dir_ / "old.json") << "old\n";
  fs::create_symlink("old.json", dir_ / "latest.json");
  const auto r = shell(short_run("latest.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(fs::is_symlink(dir_ / "latest.json"));
  std::ifstream in(dir_ / "old.json");
  EXPECT_EQ(nlohmann::json::parse(in).at("schema"), "hashflop/result/v1");
}

TEST_F(OutputPaths, ReportIntoAnUnwritableDirectoryIsBadInput) {
  const auto r = shell(hashflop::test::hashflop_binary() + " report " + HASHFLOP_TEST_SOURCE_DIR +
                       "/tests/fuzz/corpus/results_file/epyc-2core-cpu.json --no-plots --out "
                       "/proc 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

// A folder that does not exist is a typo far more often than a wish: refused in one line with
// exit 2 before anything is measured, and no folder is made.
TEST_F(OutputPaths, AnOutFolderThatDoesNotExistIsRefusedBeforeMeasuring) {
  for (const std::string command :
       {"run --device cpu --workloads sha256d --quick", "transformer --device cpu"}) {
    const auto r = shell(env() + "timeout 60 " + hashflop::test::hashflop_binary() + " " + command +
                         " --out missing/dir/r.json 2>&1");
    EXPECT_EQ(r.exit_code, 2) << command << ":\n" << r.out;
    EXPECT_EQ(r.out,
              "hashflop: cannot write missing/dir/r.json: no folder missing/dir (hashflop "
              "makes none: create it first)\n")
        << command;
    EXPECT_FALSE(fs::exists(dir_ / "missing")) << command;
  }
}

// `report --out DIR` names a folder of files: made when its parent exists, like `mkdir DIR`,
// refused when the parent does not.
TEST_F(OutputPaths, ReportMakesItsOwnFolderButNotItsParents) {
  const std::string report = hashflop::test::hashflop_binary() + " report " +
                             HASHFLOP_TEST_SOURCE_DIR +
                             "/tests/fuzz/corpus/results_file/epyc-2core-cpu.json --no-plots ";
  auto r = shell(report + "--out a/b 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("no folder a (hashflop makes only the last folder"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "a"));
  r = shell(report + "--out fresh 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "fresh" / "report.md")) << r.out;
}

// Without --out the file goes to the user's data folder, not a results/ folder wherever the
// binary happens to run, and the last line says where.
TEST_F(OutputPaths, TheDefaultResultsFileGoesToTheDataHomeAndTheLastLineSaysWhere) {
  const auto data = dir_ / "data";
  const auto r = shell(env() + "XDG_DATA_HOME=" + data.string() + " timeout 120 " +
                       hashflop::test::hashflop_binary() +
                       " run --device cpu --workloads sha256d --threads 1 --quick --duration 0.1 "
                       "--repetitions 1 --cooldown 0 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "results")) << "no results/ in the working folder";
  const auto folder = data / "hashflop" / "results";
  ASSERT_TRUE(fs::is_directory(folder)) << r.out;
  std::string written;
  for (const auto& e : fs::directory_iterator(folder)) written = e.path().string();
  ASSERT_FALSE(written.empty()) << r.out;
  const std::string last = "results written to " + written + "\n";
  ASSERT_GE(r.out.size(), last.size());
  EXPECT_EQ(r.out.substr(r.out.size() - last.size()), last) << r.out;
}

TEST_F(OutputPaths, AWisdomFileThatIsALinkToDevNullIsNeverReplaced) {
  fs::create_directories(dir_ / "cache" / "hashflop");
  fs::create_symlink("/dev/null", dir_ / "cache" / "hashflop" / "wisdom.json");
  const auto r = shell(env() + "timeout 120 " + hashflop::test::hashflop_binary() +
                       " tune --threads 1 --no-gemm 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(fs::is_symlink(dir_ / "cache" / "hashflop" / "wisdom.json"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

class StopSignals : public OutputPaths {
 protected:
  // Starts a long run, waits for its second finished window, sends `signal`; returns the exit
  // status, the log in `log`. The results file is r.json.
  int stopped_run(const std::string& signal, std::string& log) const {
    const auto r =
        shell(env() + hashflop::test::hashflop_binary() +
              " run --device cpu --workloads sha256d --threads 1 --duration 0.3 "
              "--repetitions 1000 --cooldown 0 --out r.json >out.txt 2>err.txt & pid=$!; "
              "for i in $(seq 1 1200); do grep -q 'window 2/' err.txt && break; "
              "sleep 0.1; done; kill -" +
              signal + " $pid; wait $pid; echo $?; cat err.txt");
    log = r.out;
    try {
      return std::stoi(r.out);
    } catch (const std::exception&) {
      return -1;  // the log says what came instead
    }
  }
  void expect_kept_and_incomplete(const std::string& log) const {
    ASSERT_TRUE(fs::exists(dir_ / "r.json")) << log;
    std::ifstream in(dir_ / "r.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_TRUE(j.at("incomplete").get<bool>()) << log;
    ASSERT_EQ(j.at("runs").size(), 1u) << log;
    EXPECT_GE(j.at("runs").at(0).at("samples").size(), 2u) << log;
  }
};

TEST_F(StopSignals, SigtermKeepsTheFinishedWindowsAndExits143) {
  std::string log;
  EXPECT_EQ(stopped_run("TERM", log), 143) << log;
  expect_kept_and_incomplete(log);
}

TEST_F(StopSignals, SighupKeepsTheFinishedWindowsAndExits129) {
  std::string log;
  EXPECT_EQ(stopped_run("HUP", log), 129) << log;
  expect_kept_and_incomplete(log);
}

}  // namespace
