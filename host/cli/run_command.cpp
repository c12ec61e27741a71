// `hashflop run`: the measurement. Parses the options, runs one device's Session (or a fleet of
// them), writes the results file and prints the table; the measuring is all in harness/.
#include <cstdio>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/workload_kind.hpp"
#include "fleet/fleet.hpp"
#include "gemm/gemm_types.hpp"
#include "harness/session.hpp"
#include "model/model_presets.hpp"
#include "model/transformer_shapes.hpp"
#include "report/fleet_table.hpp"
#include "report/price_verdict.hpp"
#include "report/run_table.hpp"
#include "report/token_figures.hpp"
#include "results/model_presets_file.hpp"
#include "results/result.hpp"

namespace hashflop::cli {
namespace {

struct RunArgs {
  std::string device = "auto", workloads = "sha256d,gemm", out;
  std::optional<double> duration, cooldown, assume_watts, rank_timeout;
  std::optional<int> repetitions;
  std::optional<int64_t> gemm_size;
  unsigned threads = 0;
  bool quick = false, json = false, no_wisdom = false;
  bool discard_throttled = false;
  // The transformer workload's model and phases.
  std::string model{model::default_model}, prefill = "1x2048,8x512", decode = "1,8,64,256";
  int64_t context = 2048;
  bool write_file = true;  // `hashflop transformer` writes only with --out
};

// The model and phases, checked before anything runs: an unknown model or a batch, prompt or
// context of 0 or below is a UsageError (exit 2).
workload::TransformerPlan transformer_plan(const RunArgs& a) {
  workload::TransformerPlan plan;
  plan.model = results::find_model(a.model).name;
  plan.phases = model::parse_prefill_list(a.prefill);
  if (!a.decode.empty()) model::decode_phase(1, a.context);  // the context alone, named
  for (auto& p : model::parse_decode_list(a.decode, a.context)) plan.phases.push_back(p);
  if (plan.phases.empty())
    throw UsageError("transformer: no phase (--prefill and --decode are both empty)");
  return plan;
}

// --quick or the defaults, with --duration, --repetitions and --cooldown applied.
harness::HarnessOptions harness_options(const RunArgs& a) {
  auto o = a.quick ? harness::HarnessOptions::quick() : harness::HarnessOptions{};
  if (a.duration) o.duration = *a.duration;
  if (a.repetitions) o.repetitions = *a.repetitions;
  if (a.cooldown) o.cooldown = *a.cooldown;
  o.discard_throttled = a.discard_throttled;
  o.idle_seconds = std::min(o.idle_seconds, std::max(o.duration, 1.0));
  o.warmup_window = std::min(o.warmup_window, std::max(o.duration / 2, 0.1));
  return o;
}

harness::SessionOptions session_options(const RunArgs& a) {
  harness::SessionOptions o;
  o.harness = harness_options(a);
  o.plan = workload::WorkloadPlan::parse(a.workloads);
  o.plan.threads = a.threads;
  o.plan.gemm_size = a.gemm_size;
  if (o.plan.wants(WorkloadKind::transformer)) o.plan.transformer = transformer_plan(a);
  o.plan.use_wisdom = !a.no_wisdom;
  o.assume_watts = a.assume_watts;
  return o;
}

// Where a results file goes when its own path failed after the measuring (a disk that filled
// up, a directory made read-only): the temporary directory, so the measurement is not lost.
std::string fallback_path(const results::Result& result, const std::string& device_id) {
  return (std::filesystem::temp_directory_path() / results::default_file_name(result, device_id))
      .string();
}

// Prints the table, then writes the file (or, if that fails, a fallback, and says where).
// Returns false when the file could not be written where it was asked.
bool publish(const RunArgs& a, const results::Result& result, const std::string& device_id,
             bool fleet, const std::string& fleet_path = "") {
  std::FILE* table = a.json ? stderr : stdout;
  if (fleet) {
    report::print_fleet(table, result);
  } else {
    report::print_run_table(table, result);
    report::print_token_table(table, result);
    fmt::print(table, "{}", report::price_verdict(result));
  }
  std::fflush(table);
  const std::string text = results::to_json_text(result);
  if (!a.write_file && a.out.empty()) {
    if (a.json) fmt::print("{}", text);
    std::fflush(stdout);
    return true;
  }
  const std::string path = !a.out.empty()        ? a.out
                           : !fleet_path.empty() ? fleet_path
                                                 : results::default_path(result, device_id);
  bool written = true;
  try {
    results::write_atomically(path, text);
    fmt::print(stderr, "results written to {}{}\n", path, result.incomplete ? " (incomplete)" : "");
  } catch (const Error& e) {
    written = false;
    const std::string fallback = fallback_path(result, device_id);
    results::write_atomically(fallback, text);  // if this fails too, the error says so
    fmt::print(stderr, "hashflop: {}; results written to {} instead\n", e.what(), fallback);
  }
  if (a.json) fmt::print("{}", text);
  std::fflush(stdout);
  return written;
}

int exit_code_of(harness::SessionEnd end) {
  switch (end) {
    case harness::SessionEnd::complete:
      return exit_code::success;
    case harness::SessionEnd::failed:
      return exit_code::failure;
    case harness::SessionEnd::interrupted:
      return InterruptGuard::exit_code();
  }
  return exit_code::failure;
}

int execute(const RunArgs& a) {
  const auto options = session_options(a);
  // Everything that can be checked is checked before a second is measured: the device's name
  // first (no results folder is made for a typo), then where the file goes. --out's folder
  // must exist; the default one (results::default_results_dir) is made.
  const bool fleet = fleet::fleet_requested(a.device);
  if (!fleet) DeviceSpec::parse(a.device);
  if (!a.out.empty()) {
    results::check_writable(a.out);
  } else if (a.write_file) {
    results::check_writable(results::make_default_results_dir() / "x.json");
  }
  if (fleet) {
    return fleet::run_fleet({a.device, options, a.rank_timeout, a.out},
                            [&a](const fleet::FleetOutcome& f) {
                              const bool written = publish(a, f.result, "fleet", true, f.path);
                              return f.interrupted          ? InterruptGuard::exit_code()
                                     : f.failed || !written ? exit_code::failure
                                                            : exit_code::success;
                            });
  }
  auto backend = open_backend(DeviceSpec::parse(a.device));
  InterruptGuard interrupt;
  Progress progress(Progress::stderr_is_tty());
  harness::Session session(*backend, options, progress, InterruptGuard::stop_requested());
  session.prepare();
  const auto result = session.measure();
  const bool written = publish(a, result, backend->info().id, false);
  const int code = exit_code_of(session.end());
  return code == exit_code::success && !written ? exit_code::failure : code;
}

void add_transformer_options(CLI::App* cmd, RunArgs& o) {
  cmd->add_option("--model", o.model,
                  "Transformer preset (data/models.json): llama-3.2-1b, llama-3.1-8b, "
                  "llama-3.1-70b")
      ->capture_default_str();
  cmd->add_option("--prefill", o.prefill,
                  "Transformer prefill phases, BATCHxPROMPT comma-separated ('' for none)")
      ->capture_default_str();
  cmd->add_option("--decode", o.decode, "Transformer decode batches, comma-separated ('' for none)")
      ->capture_default_str();
  cmd->add_option("--context", o.context, "Transformer decode KV context in tokens")
      ->capture_default_str();
}

}  // namespace

void add_transformer_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "transformer",
      "A quick look at tokens per second and per joule: `run --quick --workloads transformer`\n"
      "(a memory-copy ceiling on the CPU, then prefill and decode at model shapes), printed,\n"
      "and written only with --out. Example: hashflop transformer --model llama-3.2-1b");
  auto o = std::make_shared<RunArgs>();
  o->workloads = "transformer";
  o->quick = true;
  o->write_file = false;
  add_device_option(*cmd, o->device);
  add_transformer_options(cmd, *o);
  cmd->add_option("--assume-watts", o->assume_watts,
                  "Use this constant power instead of a measurement; every output marks it assumed")
      ->check(positive_number);
  cmd->add_option("--threads", o->threads, "CPU threads; default: all cores")
      ->check(whole_between(1, 4096));
  cmd->add_option("--out", o->out, "Also write the results file here (its folder must exist)");
  cmd->add_flag("--json", o->json, "Print the results JSON on stdout (the tables go to stderr)");
  cmd->callback([o, &outcome] { outcome.exit_code = execute(*o); });
}

void add_run_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "run",
      "Measure hashes per joule (sha256d) against FLOPs per joule (GEMM) on one device.\n"
      "Each workload is verified, warmed up, then measured in R windows of D seconds with the\n"
      "device's energy counter (RAPL on the CPU, NVML on a GPU). Ctrl-C stops and writes what\n"
      "was measured (marked incomplete); a second Ctrl-C aborts. Example: hashflop run --quick");
  auto o = std::make_shared<RunArgs>();
  add_device_option(*cmd, o->device,
                    "all (every GPU at once, one fleet file), or under mpirun cuda:local (the "
                    "GPU of the rank's local rank)");
  cmd->add_option("--rank-timeout", o->rank_timeout,
                  "Fleet runs: seconds after which a silent rank counts as hung and the root "
                  "writes what it has (default: from duration, repetitions and workloads)")
      ->check(positive_number);
  cmd->add_option("--workloads", o->workloads,
                  fmt::format("Comma-separated: {}", workload_kind_names()))
      ->capture_default_str();
  add_transformer_options(cmd, *o);
  cmd->add_option("--duration", o->duration, "Seconds per measured window (default 10; --quick 1)")
      ->check(number_between(0.01, 86400.0));
  cmd->add_option("--repetitions", o->repetitions,
                  "Measured windows per workload (default 5; --quick 3)")
      ->check(whole_between(1, 100000));
  cmd->add_flag("--quick", o->quick, "About 1 s x 3 windows, short warm-up and idle baseline");
  cmd->add_option("--cooldown", o->cooldown,
                  "Idle seconds between workloads (default 5; --quick 1)")
      ->check(number_between(0.0, 3600.0));
  cmd->add_option("--assume-watts", o->assume_watts,
                  "Use this constant power instead of a measurement; every output marks it assumed")
      ->check(positive_number);
  cmd->add_flag("--discard-throttled", o->discard_throttled,
                "Drop windows in which the GPU capped its clock for power or heat (NVML) and "
                "measure up to as many again; the results say how many were dropped");
  cmd->add_option("--threads", o->threads,
                  "CPU threads; default: all cores (under mpirun: cores / ranks on the node)")
      ->check(whole_between(1, 4096));
  cmd->add_option("--gemm-size", o->gemm_size,
                  fmt::format("GEMM M = N = K (default {} on the CPU, {} on a GPU)",
                              gemm::default_size, gemm::default_gpu_run_size))
      ->check(whole_between(16, 65536));
  cmd->add_option("--out", o->out,
                  "Results file, in a folder that exists; default "
                  "$XDG_DATA_HOME/hashflop/results/<host>-<device>-<UTC time>.json (else under "
                  "~/.local/share)");
  cmd->add_flag("--no-wisdom", o->no_wisdom,
                "Neither read nor write the wisdom file: calibrate the CPU sha256d variant anew");
  cmd->add_flag("--json", o->json,
                "Print the results file's JSON on stdout (the table goes to stderr)");
  cmd->callback([o, &outcome] { outcome.exit_code = execute(*o); });
}

}  // namespace hashflop::cli
