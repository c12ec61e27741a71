// The report from fixture result files: a GPU-like run, a CPU-only run with assumed watts, and
// one without energy. Checks the figures, the flags, well-formed HTML and the pictures.
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report/report.hpp"

namespace hashflop::report {
namespace {

namespace fs = std::filesystem;
const fs::path source = HASHFLOP_TEST_SOURCE_DIR;
const fs::path fixtures = source / "tests/report/fixtures";

Market market() {
  return load_market(source / "results/market/2025-11.json");
}

Valuation value(const std::string& name) {
  const auto path = fixtures / name;
  return value_result(results::load_result(path), path.string(), market());
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Report, GpuFixtureIsValuedAsWorkedByHand) {
  const auto v = value("gpu_like.json");
  EXPECT_FALSE(v.cpu);
  EXPECT_FALSE(v.any_assumed());
  EXPECT_TRUE(v.flags.empty());
  ASSERT_TRUE(v.hashes_per_joule && v.j_per_th && v.value_multiple);
  EXPECT_DOUBLE_EQ(*v.hashes_per_joule, 5e7);  // 2e10 H/s at 400 W
  EXPECT_DOUBLE_EQ(*v.j_per_th, 20000);
  EXPECT_NEAR(*v.mining_usd_per_kwh, 8.5328e-5, 1e-9);  // see economics_test
  EXPECT_NEAR(*v.ai_usd_per_kwh, 2.75 / 0.7, 1e-12);    // best FLOP/J: fp16 cuBLAS at 700 W
  EXPECT_NEAR(*v.value_multiple, 46041, 1);
  EXPECT_DOUBLE_EQ(*v.electricity_usd_per_kwh, 0.06);
  ASSERT_EQ(v.tiled_vs_vendor.size(), 1u);  // fp16: (3.5e14 / 500) / (7e14 / 700) = 0.7
  EXPECT_NEAR(v.tiled_vs_vendor[0].ratio, 0.7, 1e-12);
}

TEST(Report, ThrottledOrDiscardedWindowsAreFlaggedBesideTheFigures) {
  const auto path = fixtures / "gpu_like.json";
  auto result = results::load_result(path);
  ASSERT_GE(result.runs.size(), 2u);
  ASSERT_FALSE(result.runs[0].samples.empty());
  result.runs[0].samples[0].throttled = true;
  result.runs[0].samples[0].clock_event_reasons = {"sw_power_cap"};
  result.runs[1].throttled_windows_discarded = 2;
  const auto v = value_result(result, path.string(), market());
  const auto has = [&v](const std::string& text) {
    return std::any_of(v.flags.begin(), v.flags.end(),
                       [&text](const std::string& f) { return f.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has(fmt::format("1 of {} windows throttled for power or heat (sw_power_cap)",
                              result.runs[0].samples.size())));
  EXPECT_TRUE(has("2 throttled windows discarded (--discard-throttled)"));
  EXPECT_TRUE(value("gpu_like.json").flags.empty());
}

TEST(Report, CpuFixtureUsesACpuHourPriceAndIsFlaggedAssumed) {
  const auto v = value("cpu_only.json");
  EXPECT_TRUE(v.cpu);
  EXPECT_TRUE(v.any_assumed());
  EXPECT_EQ(v.cores, 2u);
  EXPECT_DOUBLE_EQ(v.hour_usd, 0.1);  // 2 cores x $0.05
  EXPECT_NE(v.hour_basis.find("CPU-hour"), std::string::npos);
  ASSERT_TRUE(v.ai_usd_per_kwh);
  EXPECT_NEAR(*v.ai_usd_per_kwh, 10.0, 1e-12);  // $0.1/h / 0.010 kW
  ASSERT_FALSE(v.flags.empty());
  EXPECT_NE(v.flags[0].find("ASSUMED"), std::string::npos);
}

TEST(Report, MissingEnergyComputesNoMoneyAndSaysWhy) {
  const auto v = value("energy_unavailable.json");
  EXPECT_FALSE(v.hashes_per_joule);
  EXPECT_FALSE(v.mining_usd_per_kwh);
  EXPECT_FALSE(v.ai_usd_per_kwh);
  EXPECT_FALSE(v.value_multiple);
  EXPECT_FALSE(v.sensitivity);
  ASSERT_EQ(v.flags.size(), 2u);
  EXPECT_NE(v.flags[0].find("no powercap interface"), std::string::npos);
  const auto md = render_markdown(build_document(market(), {v}, {}, ""));
  EXPECT_NE(md.find("not computed"), std::string::npos);
  EXPECT_EQ(md.find("$nan"), std::string::npos);
}

// Every opened tag is closed in order (void elements aside): enough to catch a broken renderer.
bool tags_balance(const std::string& html, std::string& why) {
  static const std::regex tag(R"(<(/?)([a-zA-Z0-9]+)[^>]*>)");
  std::vector<std::string> open;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[2];
    if (name == "meta" || name == "img" || name == "br" || name == "DOCTYPE") continue;
    if ((*it)[1].length() == 0) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      why = "unexpected </" + name + ">";
      return false;
    } else {
      open.pop_back();
    }
  }
  why = open.empty() ? "" : "unclosed <" + open.back() + ">";
  return open.empty();
}

struct Written {
  fs::path dir;
  ReportOutput out;
};

Written write_all(const std::string& name, bool plots) {
  ReportOptions o;
  for (const char* f : {"gpu_like.json", "cpu_only.json", "energy_unavailable.json"})
    o.inputs.push_back(fixtures / f);
  o.market = source / "results/market/2025-11.json";
  o.out_dir = fs::temp_directory_path() / name;
  o.plots = plots;
  fs::remove_all(o.out_dir);
  return {o.out_dir, write_report(o)};
}

TEST(Report, WritesMarkdownAndBalancedHtmlWithFlagsAndNoTempFiles) {
  const auto w = write_all("hashflop-report-test", false);
  const std::string md = slurp(w.dir / "report.md"), html = slurp(w.dir / "report.html");
  for (const char* needle :
       {"ASSUMED", "Antminer S21 XP", "$40.96 per PH/s per day", "not computed",
        "per kWh of device energy", "CPU-hour price", "PUE", "Sensitivity", "--no-plots"}) {
    EXPECT_NE(md.find(needle), std::string::npos) << needle;
  }
  std::string why;
  EXPECT_TRUE(tags_balance(html, why)) << why;
  EXPECT_NE(html.find("class=\"warning\""), std::string::npos);
  for (const auto& e : fs::directory_iterator(w.dir))
    EXPECT_NE(e.path().filename().string()[0], '.') << "left behind: " << e.path();
  // Python's own HTML parser, when there is a python3: it must not raise.
  const std::string cmd =
      "python3 -c \"import sys, html.parser; html.parser.HTMLParser().feed(open(sys.argv[1])"
      ".read())\" " +
      (w.dir / "report.html").string() + " 2>/dev/null";
  const int rc = std::system(cmd.c_str());
  if (WIFEXITED(rc) && WEXITSTATUS(rc) != 127) {
    EXPECT_EQ(WEXITSTATUS(rc), 0);
  }
  fs::remove_all(w.dir);
}

TEST(Report, PicturesAreRealPngsWhenMatplotlibIsThere) {
  const auto w = write_all("hashflop-report-plots", true);
  if (w.out.plots.empty()) {
    fs::remove_all(w.dir);
    GTEST_SKIP() << "no pictures: " << w.out.plot_note;
  }
  // power, efficiency, value, devices (three inputs), site
  ASSERT_EQ(w.out.plots.size(), 5u);
  for (const auto& p : w.out.plots) {
    const std::string png = slurp(w.dir / p.png);
    EXPECT_GT(png.size(), 5000u) << p.png;
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << p.png;
    EXPECT_NE(slurp(w.dir / p.svg).find("<svg"), std::string::npos) << p.svg;
  }
  const std::string html = slurp(w.dir / "report.html");
  EXPECT_NE(html.find("<img src=\"power.png\""), std::string::npos);
  EXPECT_NE(slurp(w.dir / "report.md").find("![Power over time"), std::string::npos);
  EXPECT_NE(html.find("<img src=\"site.png\""), std::string::npos);
  fs::remove_all(w.dir);
}

// Without a meter there is still a verdict: an hour of AI rental against an hour of mining needs
// only the rates and the prices; and the sentence says how to get the per-kWh figures.
TEST(Report, WithoutEnergyTheHourVerdictStandsAndSaysHowToGetEnergy) {
  const auto v = value("energy_unavailable.json");
  ASSERT_TRUE(v.hour_multiple);
  EXPECT_GT(*v.hour_multiple, 1);
  EXPECT_TRUE(v.usd_per_pflop) << "the price of a PFLOP needs no energy";
  const std::string s = verdict_sentence(v);
  EXPECT_NE(s.find("an hour of AI rental earns"), std::string::npos) << s;
  EXPECT_NE(s.find(" ×"), std::string::npos) << s;
  EXPECT_NE(s.find("--assume-watts"), std::string::npos) << s;
  EXPECT_EQ(s.find("e+"), std::string::npos) << "no exponents: " << s;
}

// A 2-rank fleet file: each device's section holds its own runs and only those.
TEST(Report, AFleetFileIsValuedDeviceByDevice) {
  auto a = results::load_result(fixtures / "cpu_only.json");
  const auto b = results::load_result(fixtures / "gpu_like.json");
  const std::string id0 = "rank0@node-a/cpu", id1 = "rank1@node-b/cuda:0";
  results::Result fleet = a;
  fleet.devices = {a.devices[0], b.devices[0]};
  fleet.devices[0].id = id0;
  fleet.devices[1].id = id1;
  fleet.runs.clear();
  for (auto run : a.runs) {
    run.device = id0;
    fleet.runs.push_back(run);
  }
  for (auto run : b.runs) {
    run.device = id1;
    fleet.runs.push_back(run);
  }
  fleet.fleet = results::Fleet{};
  for (int r = 0; r < 2; ++r) {
    results::RankRecord rank;
    rank.rank = r;
    fleet.fleet->ranks.push_back(rank);
  }
  const fs::path dir = fs::temp_directory_path() / "hashflop-report-fleet-test";
  fs::remove_all(dir);
  fs::create_directories(dir);  // write_atomically makes no folder
  const fs::path file = dir / "fleet.json";
  results::write_atomically(file, results::to_json_text(fleet));
  ReportOptions o;
  o.inputs = {file};
  o.market = source / "results/market/2025-11.json";
  o.out_dir = dir / "report";
  o.plots = false;
  const auto out = write_report(o);
  ASSERT_EQ(out.valuations.size(), 2u);
  EXPECT_EQ(out.valuations[0].device_id, id0);
  EXPECT_EQ(out.valuations[1].device_id, id1);
  // Each valuation sees exactly its device's runs.
  EXPECT_EQ(out.valuations[0].gemm.size(), value("cpu_only.json").gemm.size());
  EXPECT_EQ(out.valuations[1].gemm.size(), value("gpu_like.json").gemm.size());
  ASSERT_TRUE(out.valuations[0].sha && out.valuations[1].sha);
  EXPECT_EQ(out.valuations[0].sha->device, id0);
  EXPECT_EQ(out.valuations[1].sha->device, id1);
  EXPECT_TRUE(out.valuations[0].cpu);
  EXPECT_FALSE(out.valuations[1].cpu);
  const std::string md = slurp(o.out_dir / "report.md");
  EXPECT_NE(md.find(id0), std::string::npos);
  EXPECT_NE(md.find(id1), std::string::npos);
}

}  // namespace
}  // namespace hashflop::report
