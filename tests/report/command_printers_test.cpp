// The console printers and JSON writers of `gemm`, `mine`, `verify` and `tune`, fed typed
// records: the layout a user reads and the keys a script reads, without running anything.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/units.hpp"
#include "report/gemm_table.hpp"
#include "report/mine_text.hpp"
#include "report/tune_tables.hpp"
#include "report/verify_lines.hpp"
#include "results/gemm_record.hpp"
#include "results/mine_record.hpp"
#include "results/tune_record.hpp"
#include "results/verify_record.hpp"

namespace {

using namespace hashflop;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

gemm::GemmRunResult timed_gemm(const char* variant) {
  gemm::GemmRunResult r;
  r.variant = variant;
  r.impl = "tiled";
  r.device = "cpu";
  r.dtype = "fp32";
  r.shape = {256, 256, 256};
  r.seconds = 1.44e-3;
  r.flops_per_second = 23.3e9;
  r.samples = {1.5e-3, 1.44e-3, 1.4e-3};
  r.rel_error = 2.89e-7;
  r.tolerance = 7.7e-6;
  r.verification = Verdict::passed;
  return r;
}

results::GemmRecord gemm_record() {
  results::GemmRecord record;
  record.device = "cpu";
  record.shape = {256, 256, 256};
  record.repetitions = 5;
  record.planned = 3;
  record.rows.push_back({timed_gemm("avx2"), results::Selection{}});
  gemm::GemmRunResult unsupported;
  unsupported.variant = "avx512";
  unsupported.impl = "tiled";
  unsupported.dtype = "fp32";
  unsupported.verification = Verdict::not_supported;
  unsupported.reason = "this CPU lacks AVX-512F";
  record.rows.push_back({unsupported, std::nullopt});
  return record;
}

TEST(GemmPrinters, TheTableHasTheProblemAHeaderAndARowPerVariant) {
  const auto text = report::format_gemm_table(gemm_record());
  EXPECT_EQ(
      text,
      "gemm 256x256x256 on cpu, alpha 1 beta 0, 5 repetitions (per product: median; rate: all "
      "FLOPs over all time)\n"
      "variant         impl    dtype  per product           rate  rel_error tolerance  "
      "verification\n"
      "avx2            tiled   fp32       1.44 ms   23.3 GFLOP/s   2.89e-07  7.70e-06  "
      "passed\n"
      "avx512          tiled   fp32  not_supported: this CPU lacks AVX-512F\n");
}

TEST(GemmPrinters, AnInterruptedRunSaysHowManyVariantsRanAndWhichStoppedBeforeTiming) {
  auto record = gemm_record();
  record.interrupted = true;
  record.rows[0].run.samples.clear();
  const auto text = report::format_gemm_table(record);
  EXPECT_TRUE(contains(text, "  passed (stopped before timing)\n")) << text;
  EXPECT_TRUE(contains(text, "stopped by Ctrl-C after 2 of 3 variants\n")) << text;
}

TEST(GemmPrinters, TheJsonCarriesEveryRunAndASelectionOnlyWhereOneWasMade) {
  const auto j = json::parse(results::format_json(gemm_record()));
  EXPECT_EQ(j.at("device"), "cpu");
  EXPECT_EQ(j.at("m"), 256);
  EXPECT_EQ(j.at("interrupted"), false);
  ASSERT_EQ(j.at("runs").size(), 2u);
  const auto& run = j.at("runs")[0];
  for (const char* key : {"impl", "variant", "device", "dtype", "m", "n", "k", "threads", "seconds",
                          "flops_per_second", "samples", "input_sets", "rel_error", "tolerance",
                          "verification", "verify_method", "settings", "selection"}) {
    EXPECT_TRUE(run.contains(key)) << key;
  }
  EXPECT_FALSE(run.contains("reason"));
  EXPECT_FALSE(j.at("runs")[1].contains("selection"));
  EXPECT_EQ(j.at("runs")[1].at("reason"), "this CPU lacks AVX-512F");
}

results::MineRecord mine_record() {
  results::MineRecord record;
  auto& r = record.result;
  r.device = "cpu";
  r.variant = "shani";
  r.start = 2083000000;
  r.count = 1000000;
  r.nonces_tried = 1000000;
  r.seconds = 0.0424;
  r.found = {{2083236893, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"}};
  r.found_count = 1;
  r.candidates = 1;
  r.settings = {{"threads", "2"}, {"version_mask", "0x1fffe000"}};
  record.device_name = "AMD EPYC";
  record.header = "01000000";
  record.target = "00000000ffff0000000000000000000000000000000000000000000000000000";
  record.difficulty = 1;
  return record;
}

TEST(MinePrinters, TheTextNamesTheRangeTargetFoundNoncesAndRate) {
  EXPECT_EQ(report::format_mine_text(mine_record()),
            "device     cpu (AMD EPYC), variant shani\n"
            "           threads 2\n"
            "           version_mask 0x1fffe000\n"
            "range      [2083000000, 2084000000) = 1,000,000 nonces\n"
            "target     00000000ffff0000000000000000000000000000000000000000000000000000 "
            "(difficulty 1)\n"
            "found      nonce 2083236893  hash "
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f\n"
            "searched   1,000,000 nonces in 42.4 ms: 23.6 MH/s\n"
            "caveat     42.4 ms is mostly start-up, so this rate is not the kernel's: search at "
            "least 0.25 s for one (a --count above 5,896,226 at the rate seen here)\n");
}

// The 2,000-nonce search that reported 164 kH/s without a word: a rate timed over less
// than min_meaningful_seconds is marked, in the text and in the JSON; a long one is not.
TEST(MinePrinters, ARateTimedOverTooShortASearchIsMarked) {
  auto record = mine_record();
  record.result.seconds = 2.0;
  EXPECT_FALSE(contains(report::format_mine_text(record), "caveat")) << "2 s is long enough";
  EXPECT_EQ(json::parse(results::format_json(record)).at("rate_meaningful"), true);
  record.result.seconds = 0.0122;
  record.result.nonces_tried = record.result.count = 2000;
  const auto text = report::format_mine_text(record);
  EXPECT_TRUE(contains(text,
                       "searched   2,000 nonces in 12.2 ms: 164 kH/s\ncaveat     12.2 ms "
                       "is mostly start-up"))
      << text;
  EXPECT_EQ(json::parse(results::format_json(record)).at("rate_meaningful"), false);
}

TEST(MinePrinters, MismatchesUnlistedNoncesAndCtrlCAreEachSaid) {
  auto record = mine_record();
  record.result.found_count = 3;
  record.result.mismatches = 2;
  record.result.nonces_tried = 500;
  record.interrupted = true;
  const auto text = report::format_mine_text(record);
  EXPECT_TRUE(contains(text, "found      2 more nonces meet the target (the lowest 1 are listed)"))
      << text;
  EXPECT_TRUE(contains(text, "MISMATCH   2 candidates failed the scalar re-check")) << text;
  EXPECT_TRUE(contains(text, "stopped    by Ctrl-C after 500 of 1,000,000 nonces\n")) << text;
  record.result.found.clear();
  EXPECT_TRUE(contains(report::format_mine_text(record), "found      no nonce meets the target"));
}

TEST(MinePrinters, TheJsonCarriesTheSearchAndItsSettings) {
  const auto j = json::parse(results::format_json(mine_record()));
  EXPECT_EQ(j.at("found")[0].at("nonce"), 2083236893u);
  // A count is a JSON number, not text; a setting that is no number stays text.
  EXPECT_EQ(j.at("settings").at("threads"), 2);
  EXPECT_EQ(j.at("settings").at("version_mask"), "0x1fffe000");
  EXPECT_DOUBLE_EQ(j.at("hashes_per_second").get<double>(), 1000000 / 0.0424);
  EXPECT_EQ(j.at("interrupted"), false);
  EXPECT_EQ(j.size(), 16u);
}

TEST(VerifyPrinters, EachCheckIsALineAndTheSummaryCountsThePassed) {
  results::VerifyRecord record{"cpu", "AMD EPYC", {}};
  record.checks = {{"sha256 known answers", Verdict::passed, "4 FIPS 180-4 vectors"},
                   {"avx2 matches reference", Verdict::incorrect, "nonce 7 missed"}};
  EXPECT_EQ(report::verify_heading(record), "verify on cpu (AMD EPYC)\n");
  EXPECT_EQ(report::check_line(record.checks[0]),
            "PASS  sha256 known answers                     4 FIPS 180-4 vectors\n");
  EXPECT_EQ(report::check_line(record.checks[1]).substr(0, 6), "FAIL  ");
  EXPECT_EQ(report::verify_summary(record), "FAIL: 1 of 2 checks passed\n");
  const auto j = json::parse(results::format_json(record));
  EXPECT_EQ(j.at("passed"), false);
  EXPECT_EQ(j.at("checks")[1].at("verdict"), "incorrect");
  EXPECT_EQ(j.at("device_name"), "AMD EPYC");
}

results::TuneRecord tune_record() {
  results::TuneRecord record;
  record.device = "cpu";
  record.device_name = "AMD EPYC";
  record.threads = 2;
  record.sha256d.choice = "shani";
  record.sha256d.reason = "fastest median of 5 alternating trials";
  record.sha256d.calibration_seconds = 1.51;
  record.sha256d.candidates = {{"scalar", 0.845e6, Verdict::passed, ""},
                               {"shani", 7.56e6, Verdict::passed, ""}};
  record.uncalibrated = "shani";
  results::GemmTuning g{"avx2", {128, 128, 128}, {}};
  g.selection.choice = "mc=84 kc=128 nc=128";
  g.selection.reason = "fastest";
  g.selection.candidates = {{"mc=132 kc=128 nc=128", 1e9, Verdict::passed, ""},
                            {"mc=84 kc=128 nc=128", 2e9, Verdict::passed, ""}};
  record.gemm.push_back(g);
  record.wisdom_file = "/tmp/wisdom.json";
  return record;
}

TEST(TunePrinters, TheTablesCompareEachCandidateWithTheDefault) {
  const auto text = report::format_tune_text(tune_record());
  EXPECT_TRUE(contains(text, "sha256d on cpu AMD EPYC (2 threads): calibrated in 1.51 s\n"))
      << text;
  EXPECT_TRUE(contains(text, "scalar             845 kH/s      -88.8%  passed\n")) << text;
  EXPECT_TRUE(contains(text, "+0.0%  passed  <- chosen  (default before calibration)\n")) << text;
  EXPECT_TRUE(contains(text, "\ngemm avx2 fp32 128x128x128 (2 threads): block sizes calibrated"))
      << text;
  EXPECT_TRUE(contains(text, "+100.0%  passed  <- chosen\n")) << text;
  EXPECT_TRUE(contains(text, "(cache-size default)\n")) << text;
  EXPECT_TRUE(contains(text, "\nwisdom: /tmp/wisdom.json\n")) << text;
}

TEST(TunePrinters, AGpuHasNoThreadsAndAnUnsavedFileIsSaid) {
  auto record = tune_record();
  record.threads.reset();
  record.gemm.clear();
  record.gemm_not_applicable = true;
  record.wisdom_file.clear();
  const auto text = report::format_tune_text(record);
  EXPECT_TRUE(contains(text, "sha256d on cpu AMD EPYC: calibrated")) << text;
  EXPECT_TRUE(contains(text, "gemm: nothing to calibrate on cpu")) << text;
  EXPECT_TRUE(contains(text, "wisdom: not saved (the warning above says why)\n")) << text;
  const auto j = json::parse(results::format_json(record));
  EXPECT_TRUE(j.at("threads").is_null());
  EXPECT_EQ(j.at("wisdom_file"), "");
  EXPECT_EQ(j.at("workload"), "sha256d");
  EXPECT_EQ(j.at("uncalibrated_default"), "shani");
}

TEST(Units, PercentsChangesAndRelativeErrorsHaveOneStyle) {
  EXPECT_EQ(format_percent(12.345), "12.3%");
  EXPECT_EQ(format_change(962.14), "+962.1%");
  EXPECT_EQ(format_change(-88.8), "-88.8%");
  EXPECT_EQ(format_change(0), "+0.0%");
  EXPECT_EQ(format_relative_error(2.877e-7), "2.88e-07");
  EXPECT_EQ(format_relative_error(7.7e-6), "7.70e-06");
}

}  // namespace
