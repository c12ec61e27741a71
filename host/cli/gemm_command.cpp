// `hashflop gemm`: runs, verifies and times every GEMM variant that matches --impl on one
// device, one row per variant; variants that cannot run say why instead of disappearing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/progress.hpp"
#include "common/units.hpp"
#include "gemm/cpu_gemm.hpp"
#include "gemm/gemm_runner.hpp"
#include "report/gemm_table.hpp"
#include "results/gemm_record.hpp"
#include "tune/cpu_gemm_choice.hpp"

namespace hashflop::cli {
namespace {

using namespace hashflop::gemm;

struct GemmOptions {
  std::optional<int64_t> size, m, n, k;
  std::string dtype = "fp32", impl = "all", device = "auto";
  unsigned threads = 0;
  int repetitions = 5;
  float alpha = 1.0f, beta = 0.0f;
  bool json = false, no_wisdom = false;
  std::string blocking;
};

int64_t positive(const std::optional<int64_t>& v, const char* flag, int64_t fallback) {
  if (!v) return fallback;
  if (*v <= 0) throw UsageError(fmt::format("{} {}: must be a positive size", flag, *v));
  return *v;
}

GemmShape resolve_shape(const GemmOptions& o) {
  const int64_t size = positive(o.size, "--size", gemm::default_size);
  return {positive(o.m, "--m", size), positive(o.n, "--n", size), positive(o.k, "--k", size)};
}

// The live line: which variant, which step, and the time left for it once a product is timed.
std::string progress_line(const GemmRunRequest& req, const std::string& variant, size_t index,
                          size_t count, const GemmProgress& p,
                          std::chrono::steady_clock::time_point start) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string head = fmt::format("gemm [{}/{}] {} {} {}", index + 1, count, variant,
                                       dtype_name(req.dtype), req.shape.str());
  if (InterruptGuard::stop_requested().load()) {
    return head + ": stopping after the current product (Ctrl-C again to abort)";
  }
  const double per = p.seconds_per_product.load();
  const int reps = std::max(req.repetitions, 1), done = p.batches_done.load();
  const int batch = std::max(p.batch.load(), 1);
  std::string step;
  double left = -1;
  switch (p.step.load()) {
    case GemmProgress::preparing:
      step = "filling the operands";
      break;
    case GemmProgress::first_product:
      step = "first product and its fp64 check";
      break;
    case GemmProgress::warm_product:
      step = "warm product";
      left = per * (1 + reps);
      break;
    case GemmProgress::timing:
      step = fmt::format("timed batch {}/{} ({} products each)", std::min(done + 1, reps), reps,
                         batch);
      left = per * batch * (reps - done);
      break;
    default:
      step = "checking a timed product against fp64";
      break;
  }
  return fmt::format("{}: {}, {} elapsed{}", head, step, format_duration(elapsed),
                     left >= 0 ? fmt::format(", about {} left", format_duration(left)) : "");
}

// Checks --impl and builds the request the runner takes for every variant.
GemmRunRequest make_request(const GemmOptions& o) {
  GemmRunRequest req;
  req.shape = resolve_shape(o);
  req.dtype = parse_dtype(o.dtype);
  if (o.impl != "tiled" && o.impl != "vendor" && o.impl != "all") {
    throw UsageError(fmt::format("unknown impl '{}' (known: tiled, vendor, all)", o.impl));
  }
  req.threads = o.threads;
  req.repetitions = o.repetitions;
  req.alpha = o.alpha;
  req.beta = o.beta;
  return req;
}

// The variants of the device that match --impl. Nothing would run: a usage error now, not a
// table of not_supported rows and exit 0.
std::vector<const GemmVariant*> choose_variants(const GemmOptions& o, const GemmRunRequest& req,
                                                const std::string& device_id) {
  std::vector<const GemmVariant*> chosen;
  bool any_takes_dtype = false;
  for (const auto& v : gemm_variants()) {
    if (v.device != req.device.kind || !v.square || (o.impl != "all" && v.impl != o.impl)) continue;
    chosen.push_back(&v);
    any_takes_dtype |= v.unavailable(req.dtype).empty();
  }
  if (!chosen.empty() && !any_takes_dtype) {
    throw UsageError(fmt::format("--dtype {}: no {} GEMM variant{} runs it here ({})", o.dtype,
                                 device_id, o.impl == "all" ? "" : " of --impl " + o.impl,
                                 chosen.front()->unavailable(req.dtype)));
  }
  return chosen;
}

// A tiled CPU variant's block sizes, chosen before its first product, outside every timed
// batch; nothing for the others.
std::optional<results::Selection> choose_blocking(
    const GemmVariant& variant, GemmRunRequest& req,
    const std::optional<gemm_kernels::GemmBlocking>& forced, const tune::TuneSettings& settings) {
  req.blocking.reset();
  if (variant.tiled == nullptr || !variant.unavailable(req.dtype).empty()) return std::nullopt;
  auto choice =
      tune::choose_cpu_gemm_blocking(variant, req.shape, req.dtype, req.threads, forced, settings);
  req.blocking = choice.blocking;
  return std::move(choice.selection);
}

// Runs the variants in turn, each with its live line, until they are done or Ctrl-C.
results::GemmRecord run_variants(const std::vector<const GemmVariant*>& variants,
                                 GemmRunRequest req,
                                 const std::optional<gemm_kernels::GemmBlocking>& forced,
                                 const GemmOptions& o, const std::string& device_id) {
  tune::TuneSettings settings;
  settings.use_wisdom = !o.no_wisdom;
  settings.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
  results::GemmRecord record;
  record.device = device_id;
  record.shape = req.shape;
  record.alpha = req.alpha;
  record.beta = req.beta;
  record.repetitions = req.repetitions;
  record.planned = variants.size();
  req.cancel = &InterruptGuard::stop_requested();
  Progress progress(Progress::stderr_is_tty());
  for (size_t i = 0; i < variants.size() && !InterruptGuard::stop_requested().load(); ++i) {
    auto selection = choose_blocking(*variants[i], req, forced, settings);
    GemmProgress state;
    req.progress = &state;
    const auto start = std::chrono::steady_clock::now();
    ProgressTicker ticker(progress, [&] {
      return progress_line(req, std::string(variants[i]->name), i, variants.size(), state, start);
    });
    record.rows.push_back({run_gemm(*variants[i], req), std::move(selection)});
  }
  record.interrupted = InterruptGuard::stop_requested().load();
  return record;
}

int exit_code_of(const results::GemmRecord& record) {
  for (const auto& r : record.rows) {
    if (is_failure(r.run.verification)) return exit_code::failure;
  }
  return record.interrupted ? InterruptGuard::exit_code() : exit_code::success;
}

int execute(const GemmOptions& o) {
  auto req = make_request(o);
  std::optional<gemm_kernels::GemmBlocking> forced;
  if (!o.blocking.empty()) forced = parse_blocking(o.blocking);
  // The device: cuda:N must open (DeviceError otherwise, exit 1); auto takes the first usable
  // GPU, else the CPU. Every variant runs on exactly that device.
  const auto backend = open_backend(DeviceSpec::parse(o.device));
  req.device = backend->ref();
  const std::string device_id = backend->info().id;
  // Too large for memory is a usage error, raised before any allocation.
  check_gemm_fits(req);
  const auto variants = choose_variants(o, req, device_id);
  InterruptGuard interrupt;
  const auto record = run_variants(variants, req, forced, o, device_id);
  fmt::print("{}", o.json ? results::format_json(record) : report::format_gemm_table(record));
  return exit_code_of(record);
}

void add_gemm_options(CLI::App* cmd, GemmOptions& o) {
  auto* size =
      cmd->add_option("--size", o.size, fmt::format("M = N = K (default {})", gemm::default_size))
          ->check(positive_whole);
  cmd->add_option("--m", o.m, "Rows of A and C")->excludes(size)->check(positive_whole);
  cmd->add_option("--n", o.n, "Columns of B and C")->excludes(size)->check(positive_whole);
  cmd->add_option("--k", o.k, "Columns of A, rows of B")->excludes(size)->check(positive_whole);
  cmd->add_option("--dtype", o.dtype, "fp32, tf32, bf16 or fp16")->capture_default_str();
  cmd->add_option("--impl", o.impl, "tiled (ours), vendor (OpenBLAS/cuBLAS) or all")
      ->capture_default_str();
  add_device_option(*cmd, o.device);
  cmd->add_option("--threads", o.threads, "CPU threads; default: all cores")
      ->check(whole_between(1, 4096));
  cmd->add_option("--repetitions", o.repetitions,
                  "Timed repetitions; the rate is their FLOPs over their time")
      ->check(whole_between(1, 100000))
      ->capture_default_str();
  cmd->add_option("--alpha", o.alpha, "Scale of A*B")->check(finite_number)->capture_default_str();
  cmd->add_option("--beta", o.beta, "Scale of the old C (0: C is not read)")
      ->check(finite_number)
      ->capture_default_str();
  cmd->add_option(
      "--blocking", o.blocking,
      "Cache blocking of the tiled CPU variants, \"mc=M kc=K nc=N\"; default: the\n"
      "fastest measured here for this shape, dtype and thread count (wisdom file, else\n"
      "calibrated now in a few seconds)");
  cmd->add_flag("--no-wisdom", o.no_wisdom,
                "Neither read nor write the wisdom file (block sizes are calibrated now)");
  cmd->add_flag("--json", o.json, "Print one JSON object on stdout instead of text");
}

}  // namespace

void add_gemm_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "gemm",
      "Run, verify and time GEMM C = alpha*A*B + beta*C (row-major) for each variant.\n"
      "Rate = 2*M*N*K per product over the median time; error = ||C - C_ref||_F / ||C_ref||_F\n"
      "against fp64. Example: hashflop gemm --size 1024 --threads 2 --json");
  auto o = std::make_shared<GemmOptions>();
  add_gemm_options(cmd, *o);
  cmd->callback([o, &outcome] { outcome.exit_code = execute(*o); });
}

}  // namespace hashflop::cli
