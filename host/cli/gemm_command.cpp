// `hashflop gemm`: runs, verifies and times every GEMM variant that matches --impl on one
// device, one row per variant; variants that cannot run say why instead of disappearing.
#include <cstdio>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "gemm/gemm_runner.hpp"

namespace hashflop::cli {
namespace {

using namespace hashflop::gemm;

struct GemmOptions {
  std::optional<int64_t> size, m, n, k;
  std::string dtype = "fp32", impl = "all", device = "auto";
  unsigned threads = 0;
  int repetitions = 5;
  float alpha = 1.0f, beta = 0.0f;
  bool json = false;
};

int64_t positive(const std::optional<int64_t>& v, const char* flag, int64_t fallback) {
  if (!v) return fallback;
  if (*v <= 0) throw UsageError(fmt::format("{} {}: must be a positive size", flag, *v));
  return *v;
}

GemmShape resolve_shape(const GemmOptions& o) {
  constexpr int64_t default_size = 2048;
  const int64_t size = positive(o.size, "--size", default_size);
  return {positive(o.m, "--m", size), positive(o.n, "--n", size), positive(o.k, "--k", size)};
}

nlohmann::json to_json(const GemmRunResult& r) {
  nlohmann::json j = {{"impl", r.impl},
                      {"variant", r.variant},
                      {"device", r.device},
                      {"dtype", r.dtype},
                      {"m", r.shape.m},
                      {"n", r.shape.n},
                      {"k", r.shape.k},
                      {"threads", r.threads},
                      {"seconds", r.seconds},
                      {"flops_per_second", r.flops_per_second},
                      {"samples", r.samples},
                      {"input_sets", r.input_sets},
                      {"rel_error", r.rel_error},
                      {"tolerance", r.tolerance},
                      {"verification", to_string(r.verification)},
                      {"verify_method", r.verify_method},
                      {"settings", r.settings}};
  if (!r.reason.empty()) j["reason"] = r.reason;
  return j;
}

void print_row(const GemmRunResult& r) {
  if (r.verification == Verdict::not_supported) {
    fmt::print("{:<13} {:<7} {:<5} not_supported: {}\n", r.variant, r.impl, r.dtype, r.reason);
    return;
  }
  fmt::print(
      "{:<13} {:<7} {:<5} {:>9.3f} ms {:>8.4f} TFLOP/s  rel_error {:.2e} (tol {:.1e}) {}{}\n",
      r.variant, r.impl, r.dtype, r.seconds * 1e3, r.flops_per_second / 1e12, r.rel_error,
      r.tolerance, to_string(r.verification), r.reason.empty() ? std::string() : ": " + r.reason);
}

}  // namespace

void add_gemm_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "gemm",
      "Run, verify and time GEMM C = alpha*A*B + beta*C (row-major) for each variant.\n"
      "Rate = 2*M*N*K per product over the median time; error = ||C - C_ref||_F / ||C_ref||_F\n"
      "against fp64. Example: hashflop gemm --size 1024 --threads 2 --json");
  auto o = std::make_shared<GemmOptions>();
  auto* size = cmd->add_option("--size", o->size, "M = N = K (default 2048)");
  cmd->add_option("--m", o->m, "Rows of A and C")->excludes(size);
  cmd->add_option("--n", o->n, "Columns of B and C")->excludes(size);
  cmd->add_option("--k", o->k, "Columns of A, rows of B")->excludes(size);
  cmd->add_option("--dtype", o->dtype, "fp32, tf32, bf16 or fp16")->capture_default_str();
  cmd->add_option("--impl", o->impl, "tiled (ours), vendor (OpenBLAS/cuBLAS) or all")
      ->capture_default_str();
  cmd->add_option("--device", o->device, "auto (a GPU with GEMM variants, else CPU), cpu, cuda:N")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "CPU threads; default: all cores")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--repetitions", o->repetitions, "Timed repetitions; the median is reported")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--alpha", o->alpha, "Scale of A*B")->check(finite_number)->capture_default_str();
  cmd->add_option("--beta", o->beta, "Scale of the old C (0: C is not read)")
      ->check(finite_number)
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout instead of text");

  cmd->callback([o, &outcome] {
    GemmRunRequest req;
    req.shape = resolve_shape(*o);
    req.dtype = parse_dtype(o->dtype);
    if (o->impl != "tiled" && o->impl != "vendor" && o->impl != "all") {
      throw UsageError(fmt::format("unknown impl '{}' (known: tiled, vendor, all)", o->impl));
    }
    req.threads = o->threads;
    req.repetitions = o->repetitions;
    req.alpha = o->alpha;
    req.beta = o->beta;

    // The device: cuda:N must open (DeviceError otherwise, exit 1); auto takes the first usable
    // GPU, else the CPU. Every variant runs on exactly that device.
    const auto backend = open_backend(DeviceSpec::parse(o->device));
    req.device = backend->ref();
    const std::string device_id = backend->info().id;
    // Too large for memory is a usage error, raised before any allocation.
    check_gemm_fits(req);

    std::vector<GemmRunResult> rows;
    for (const auto& v : gemm_variants()) {
      if (v.device != req.device.kind || (o->impl != "all" && v.impl != o->impl)) continue;
      rows.push_back(run_gemm(v, req));
    }

    bool any_incorrect = false;
    for (const auto& r : rows) any_incorrect |= is_failure(r.verification);
    if (o->json) {
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& r : rows) runs.push_back(to_json(r));
      const nlohmann::json out = {{"device", device_id}, {"m", req.shape.m},   {"n", req.shape.n},
                                  {"k", req.shape.k},    {"alpha", req.alpha}, {"beta", req.beta},
                                  {"runs", runs}};
      fmt::print("{}\n", out.dump(2));
    } else {
      fmt::print("gemm {} on {}, alpha {} beta {}, {} repetitions (median)\n", req.shape.str(),
                 device_id, req.alpha, req.beta, req.repetitions);
      for (const auto& r : rows) print_row(r);
    }
    outcome.exit_code = any_incorrect ? exit_code::failure : exit_code::success;
  });
}

}  // namespace hashflop::cli
