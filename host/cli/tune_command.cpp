// `hashflop tune`: recalibrate on purpose. Times every sha256d variant the device runs on the
// real search (on a GPU, every kernel at every launch geometry the autotuner tries) and, on the
// CPU, the block-size candidates of every tiled GEMM variant at one size; prints the tables and
// stores the outcomes in the wisdom file that `run`, `mine`, `devices` and `gemm` read.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "common/error.hpp"
#include "common/units.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_variants.hpp"
#include "tune/cpu_gemm_choice.hpp"
#include "tune/wisdom.hpp"

namespace hashflop::cli {
namespace {

struct TuneArgs {
  // The CPU unless told: `tune` calibrated only the CPU before it took --device, and a script's
  // `tune --threads N` must mean the same on a machine with a GPU.
  std::string device = "cpu";
  unsigned threads = 0;
  int64_t gemm_size = gemm::default_size;
  bool json = false, no_wisdom = false, no_gemm = false;
};

struct GemmTuned {
  std::string variant;
  gemm::GemmShape shape;
  results::Selection selection;
};

void print_gemm_table(const GemmTuned& g, unsigned threads) {
  const auto& s = g.selection;
  fmt::print("\ngemm {} fp32 {} ({} threads): block sizes calibrated in {:.2f} s\n", g.variant,
             g.shape.str(), threads, s.calibration_seconds.value_or(0));
  double default_rate = 0;
  if (!s.candidates.empty() && s.candidates.front().rate) default_rate = *s.candidates.front().rate;
  fmt::print("{:<26} {:>14} {:>11}  {}\n", "blocking", "median", "vs default", "check");
  for (size_t i = 0; i < s.candidates.size(); ++i) {
    const auto& c = s.candidates[i];
    const std::string rate = c.rate ? format_rate(*c.rate, "flop") : "-";
    const std::string versus = c.rate && default_rate > 0
                                   ? fmt::format("{:+.1f}%", (*c.rate / default_rate - 1) * 100)
                                   : "-";
    std::string mark;
    if (c.name == s.choice) mark += "  <- chosen";
    if (i == 0) mark += "  (cache-size default)";
    fmt::print("{:<26} {:>14} {:>11}  {}{}\n", c.name, rate, versus, to_string(c.verification),
               mark);
  }
  fmt::print("chosen: {}: {}\n", s.choice, s.reason);
}

// One row per candidate; "vs default" is against what runs use uncalibrated, where it was one
// of the candidates.
void print_table(const DeviceInfo& device, const Sha256dTuning& t, const std::string& threads) {
  const auto& s = t.selection;
  fmt::print("sha256d on {} {}{}: calibrated in {:.2f} s\n", device.id, device.name, threads,
             s.calibration_seconds.value_or(0));
  double default_rate = 0;
  size_t width = 14;
  for (const auto& c : s.candidates) {
    if (c.name == t.uncalibrated && c.rate) default_rate = *c.rate;
    width = std::max(width, c.name.size());
  }
  fmt::print("{:<{}} {:>12} {:>11}  {}\n", "variant", width, "median", "vs default", "check");
  for (const auto& c : s.candidates) {
    const std::string rate = c.rate ? format_rate(*c.rate, "hash") : "-";
    const std::string versus = c.rate && default_rate > 0
                                   ? fmt::format("{:+.1f}%", (*c.rate / default_rate - 1) * 100)
                                   : "-";
    std::string mark;
    if (c.name == s.choice) mark += "  <- chosen";
    if (c.name == t.uncalibrated) mark += "  (default before calibration)";
    fmt::print("{:<{}} {:>12} {:>11}  {}{}\n", c.name, width, rate, versus,
               to_string(c.verification), mark);
  }
  fmt::print("chosen: {}: {}\n", s.choice, s.reason);
  if (default_rate == 0) fmt::print("default before calibration: {}\n", t.uncalibrated);
}

}  // namespace

void add_tune_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "tune",
      "Calibrate now: time every sha256d variant the device runs (CPU: a warm-up, then five\n"
      "alternating trials of about 30 ms each on the real search; GPU: every kernel at every\n"
      "launch geometry the autotuner tries) and, on the CPU, the block-size candidates of every\n"
      "tiled GEMM variant (a warm-up, then three alternating products at --gemm-size); print\n"
      "their rates and keep the fastest in the wisdom file ($XDG_CACHE_HOME/hashflop/wisdom.json,\n"
      "else ~/.cache/hashflop/wisdom.json) for `run`, `mine`, `devices` and `gemm`.");
  auto o = std::make_shared<TuneArgs>();
  add_device_option(*cmd, o->device);
  cmd->add_option("--threads", o->threads,
                  "CPU threads to calibrate for (default: all cores, as run and mine use)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--gemm-size", o->gemm_size,
                  "M = N = K of the GEMM block-size calibration (`gemm --size` reuses it)")
      ->check(CLI::Range(int64_t{1}, int64_t{65536}))
      ->capture_default_str();
  cmd->add_flag("--no-gemm", o->no_gemm,
                "Calibrate sha256d only (a GPU has no GEMM block sizes to calibrate: its tiled\n"
                "kernels have fixed tiles and cuBLAS picks its own)");
  cmd->add_flag("--no-wisdom", o->no_wisdom, "Measure and print only; leave the wisdom file alone");
  cmd->add_flag("--json", o->json, "Print the selection as one JSON object on stdout");
  cmd->callback([o, &outcome] {
    const auto spec = DeviceSpec::parse(o->device);
    if (spec.kind == DeviceSpec::Kind::cuda && o->threads != 0) {
      throw UsageError(fmt::format("--threads applies to the CPU only, not {}", o->device));
    }
    auto backend = open_backend(spec);
    const bool on_cpu = backend->ref().kind == DeviceKind::cpu;
    if (!on_cpu && o->threads != 0) {
      throw UsageError(
          fmt::format("--threads applies to the CPU only, not {}", backend->info().id));
    }
    const unsigned threads = o->threads != 0 ? o->threads : cpu::cpu_info().logical_cores;
    tune::TuneSettings settings;
    settings.use_wisdom = !o->no_wisdom;
    settings.recalibrate = true;
    settings.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    auto saved = std::make_shared<bool>(!o->no_wisdom);
    settings.unsaved = [saved](const std::string&) { *saved = false; };
    const auto tuning = backend->tune_sha256d(threads, settings);
    std::vector<GemmTuned> gemms;
    if (on_cpu && !o->no_gemm) {
      const gemm::GemmShape shape{o->gemm_size, o->gemm_size, o->gemm_size};
      for (const auto& v : gemm::gemm_variants()) {
        if (v.tiled == nullptr || !v.unavailable(gemm::Dtype::fp32).empty()) continue;
        auto c = tune::choose_cpu_gemm_blocking(v, shape, gemm::Dtype::fp32, threads, std::nullopt,
                                                settings);
        gemms.push_back({std::string(v.name), shape, std::move(c.selection)});
      }
    }
    const auto path = tune::default_wisdom_path();
    if (o->json) {
      nlohmann::json gemm_json = nlohmann::json::array();
      for (const auto& g : gemms) {
        gemm_json.push_back({{"variant", g.variant},
                             {"dtype", "fp32"},
                             {"m", g.shape.m},
                             {"n", g.shape.n},
                             {"k", g.shape.k},
                             {"selection", results::to_json(g.selection)}});
      }
      fmt::print("{}\n", nlohmann::json{{"device", backend->info().id},
                                        {"threads", on_cpu ? nlohmann::json(threads) : nullptr},
                                        {"workload", "sha256d"},
                                        {"uncalibrated_default", tuning.uncalibrated},
                                        {"selection", results::to_json(tuning.selection)},
                                        {"gemm", gemm_json},
                                        {"wisdom_file", *saved ? path.string() : ""}}
                             .dump(2));
    } else {
      print_table(backend->info(), tuning,
                  on_cpu ? fmt::format(" ({} threads)", threads) : std::string());
      for (const auto& g : gemms) print_gemm_table(g, threads);
      if (!on_cpu && !o->no_gemm) {
        fmt::print(
            "gemm: nothing to calibrate on {}: its tiled kernels have fixed tiles and "
            "cuBLAS picks its own\n",
            backend->info().id);
      }
      if (*saved) fmt::print("wisdom: {}\n", path.string());
      if (!o->no_wisdom && !*saved) fmt::print("wisdom: not saved (the warning above says why)\n");
    }
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
