// `hashflop tune`: recalibrate on purpose. Times every CPU sha256d variant this machine runs on
// the real search, prints the table, and stores the outcome in the wisdom file that `run`,
// `mine` and `devices` read.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bitcoin/target.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/units.hpp"
#include "cpu/cpu_info.hpp"
#include "mine/known_headers.hpp"
#include "tune/cpu_sha256d_choice.hpp"
#include "tune/wisdom.hpp"

namespace hashflop::cli {
namespace {

struct TuneArgs {
  unsigned threads = 0;
  bool json = false, no_wisdom = false;
};

void print_table(const results::Selection& s, const std::string& fallback, unsigned threads) {
  fmt::print("sha256d on {} ({} threads): calibrated in {:.2f} s\n", cpu::cpu_info().model, threads,
             s.calibration_seconds.value_or(0));
  double default_rate = 0;
  for (const auto& c : s.candidates) {
    if (c.name == fallback && c.rate) default_rate = *c.rate;
  }
  fmt::print("{:<14} {:>12} {:>11}  {}\n", "variant", "median", "vs CPUID", "check");
  for (const auto& c : s.candidates) {
    const std::string rate = c.rate ? format_rate(*c.rate, "hash") : "-";
    const std::string versus = c.rate && default_rate > 0
                                   ? fmt::format("{:+.1f}%", (*c.rate / default_rate - 1) * 100)
                                   : "-";
    std::string mark;
    if (c.name == s.choice) mark += "  <- chosen";
    if (c.name == fallback) mark += "  (CPUID default)";
    fmt::print("{:<14} {:>12} {:>11}  {}{}\n", c.name, rate, versus, to_string(c.verification),
               mark);
  }
  fmt::print("chosen: {}: {}\n", s.choice, s.reason);
}

}  // namespace

void add_tune_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "tune",
      "Calibrate now: time every CPU sha256d variant this machine runs (a warm-up, then five\n"
      "alternating trials of about 30 ms each on the real search), print their rates and keep\n"
      "the fastest in the wisdom file ($XDG_CACHE_HOME/hashflop/wisdom.json, else\n"
      "~/.cache/hashflop/wisdom.json) for `run`, `mine` and `devices`.");
  auto o = std::make_shared<TuneArgs>();
  cmd->add_option("--threads", o->threads,
                  "CPU threads to calibrate for (default: all cores, as run and mine use)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_flag("--no-wisdom", o->no_wisdom, "Measure and print only; leave the wisdom file alone");
  cmd->add_flag("--json", o->json, "Print the selection as one JSON object on stdout");
  cmd->callback([o, &outcome] {
    const unsigned threads = o->threads != 0 ? o->threads : cpu::cpu_info().logical_cores;
    const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
    tune::TuneSettings settings;
    settings.use_wisdom = !o->no_wisdom;
    settings.recalibrate = true;
    settings.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    const auto choice = tune::choose_cpu_sha256d(
        "", {header, bitcoin::target_from_bits(header.bits()), threads}, settings);
    const std::string fallback(cpu::best_sha256d_variant(cpu::cpu_info().features).name);
    const auto path = tune::default_wisdom_path();
    if (o->json) {
      fmt::print("{}\n", nlohmann::json{{"device", "cpu"},
                                        {"threads", threads},
                                        {"workload", "sha256d"},
                                        {"cpuid_default", fallback},
                                        {"selection", results::to_json(choice.selection)},
                                        {"wisdom_file", o->no_wisdom ? "" : path.string()}}
                             .dump(2));
    } else {
      print_table(choice.selection, fallback, threads);
      if (!o->no_wisdom) fmt::print("wisdom: {}\n", path.string());
    }
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
