// `hashflop tune`: recalibrate on purpose. Times every sha256d variant the device runs on the
// real search (on a GPU, every kernel at every launch geometry the autotuner tries) and, on the
// CPU, the block-size candidates of every tiled GEMM variant at one size; prints the tables and
// stores the outcomes in the wisdom file that `run`, `mine`, `devices` and `gemm` read.
#include <cstdio>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_variants.hpp"
#include "report/tune_tables.hpp"
#include "results/tune_record.hpp"
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

// On the CPU, every tiled GEMM variant's block sizes at fp32 and `size`.
std::vector<results::GemmTuning> tune_gemm(int64_t size, unsigned threads,
                                           const tune::TuneSettings& settings) {
  std::vector<results::GemmTuning> out;
  const gemm::GemmShape shape{size, size, size};
  for (const auto& v : gemm::gemm_variants()) {
    if (v.tiled == nullptr || !v.unavailable(gemm::Dtype::fp32).empty()) continue;
    auto c = tune::choose_cpu_gemm_blocking(v, shape, gemm::Dtype::fp32, threads, std::nullopt,
                                            settings);
    out.push_back({std::string(v.name), shape, std::move(c.selection)});
  }
  return out;
}

results::TuneRecord tune_device(const TuneArgs& o) {
  const auto spec = DeviceSpec::parse(o.device);
  if (spec.kind == DeviceSpec::Kind::cuda && o.threads != 0) {
    throw UsageError(fmt::format("--threads applies to the CPU only, not {}", o.device));
  }
  auto backend = open_backend(spec);
  const bool on_cpu = backend->ref().kind == DeviceKind::cpu;
  if (!on_cpu && o.threads != 0) {
    throw UsageError(fmt::format("--threads applies to the CPU only, not {}", backend->info().id));
  }
  const unsigned threads = o.threads != 0 ? o.threads : cpu::cpu_info().logical_cores;
  tune::TuneSettings settings;
  settings.use_wisdom = !o.no_wisdom;
  settings.recalibrate = true;
  settings.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
  auto saved = std::make_shared<bool>(!o.no_wisdom);
  settings.unsaved = [saved](const std::string&) { *saved = false; };
  auto tuning = backend->tune_sha256d(threads, settings);
  results::TuneRecord record;
  record.device = backend->info().id;
  record.device_name = backend->info().name;
  if (on_cpu) record.threads = threads;
  record.sha256d = std::move(tuning.selection);
  record.uncalibrated = std::move(tuning.uncalibrated);
  if (on_cpu && !o.no_gemm) record.gemm = tune_gemm(o.gemm_size, threads, settings);
  record.gemm_not_applicable = !on_cpu && !o.no_gemm;
  record.wisdom_wanted = !o.no_wisdom;
  if (*saved) record.wisdom_file = tune::default_wisdom_path().string();
  return record;
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
      ->check(whole_between(1, 4096));
  cmd->add_option("--gemm-size", o->gemm_size,
                  "M = N = K of the GEMM block-size calibration (`gemm --size` reuses it)")
      ->check(whole_between(1, 65536))
      ->capture_default_str();
  cmd->add_flag("--no-gemm", o->no_gemm,
                "Calibrate sha256d only (a GPU has no GEMM block sizes to calibrate: its tiled\n"
                "kernels have fixed tiles and cuBLAS picks its own)");
  cmd->add_flag("--no-wisdom", o->no_wisdom, "Measure and print only; leave the wisdom file alone");
  cmd->add_flag("--json", o->json, "Print the selection as one JSON object on stdout");
  cmd->callback([o, &outcome] {
    const auto record = tune_device(*o);
    fmt::print("{}", o->json ? results::format_json(record) : report::format_tune_text(record));
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
