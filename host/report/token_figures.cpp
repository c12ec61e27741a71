#include "report/token_figures.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {
namespace {

double number(const Record& r, const char* key) {
  return r.number(key).value_or(0.0);
}

int64_t integer(const Record& r, const char* key) {
  const auto* v = r.find(key);
  if (v == nullptr) return 0;
  if (const auto* u = v->unsigned_integer()) return static_cast<int64_t>(*u);
  if (const auto* i = v->negative()) return *i;
  if (const auto* d = v->floating()) return static_cast<int64_t>(*d);
  return 0;
}

bool is_phase_run(const results::Run& run) {
  return run.workload == WorkloadKind::transformer && run.work_unit == "token";
}

}  // namespace

TokenCeilings token_ceilings(const results::Result& r, std::string_view device) {
  TokenCeilings c;
  for (const auto& run : r.runs) {
    if (run.device != device || run.samples.empty() || is_failure(run.verification)) continue;
    if (run.workload == WorkloadKind::transformer && run.variant == "memcopy") {
      if (!c.bytes_per_second || run.rate > *c.bytes_per_second) {
        c.bytes_per_second = run.rate;
        c.bytes_source = "plain memory copy measured in this run (bytes read + written)";
      }
    }
    double flops = 0;
    std::string from;
    if (is_phase_run(run)) {
      const auto* s = run.params.find("settings");
      flops = s && s->record() ? number(*s->record(), "peak_product_flops_per_second") : 0.0;
      from = fmt::format("fastest single product of transformer {}", run.variant);
    } else if (run.workload == WorkloadKind::gemm) {
      flops = run.rate;
      from = fmt::format("gemm {} {}", run.variant, run.params.text("dtype"));
    }
    if (flops > 0 && (!c.flops_per_second || flops > *c.flops_per_second)) {
      c.flops_per_second = flops;
      c.flops_source = "measured in this run: " + from;
    }
  }
  return c;
}

std::vector<TokenFigure> token_figures(const results::Result& r) {
  std::vector<TokenFigure> out;
  for (const auto& run : r.runs) {
    if (!is_phase_run(run) || run.samples.empty()) continue;
    const auto ceilings = token_ceilings(r, run.device);
    TokenFigure f;
    f.device = run.device;
    f.variant = run.variant;
    f.model = run.params.text("model");
    f.phase = run.params.text("phase");
    f.batch = integer(run.params, "batch");
    f.context = integer(run.params, "context");
    f.tokens_per_sequence = integer(run.params, "tokens_per_sequence");
    f.tokens_per_second = run.rate;
    if (run.per_joule && *run.per_joule > 0) {
      f.tokens_per_joule = run.per_joule;
      f.joules_per_token = 1 / *run.per_joule;
    }
    if (run.energy) {
      f.avg_watts = run.energy->avg_watts;
      f.assumed = run.energy->assumed;
    }
    const double fpt = number(run.params, "flops_per_token");
    const double bpt = number(run.params, "bytes_per_token");
    f.flops_per_second = run.rate * fpt;
    f.bytes_per_second = run.rate * bpt;
    f.flops_per_byte = bpt > 0 ? fpt / bpt : 0;
    if (ceilings.flops_per_second)
      f.compute_fraction = f.flops_per_second / *ceilings.flops_per_second;
    if (ceilings.bytes_per_second)
      f.memory_fraction = f.bytes_per_second / *ceilings.bytes_per_second;
    // The roofline: below the ridge point (compute ceiling / memory ceiling, in FLOP per byte)
    // the step cannot reach the compute ceiling however well it runs.
    if (ceilings.flops_per_second && ceilings.bytes_per_second && f.flops_per_byte > 0) {
      const double ridge = *ceilings.flops_per_second / *ceilings.bytes_per_second;
      f.bound = f.flops_per_byte < ridge ? "memory" : "compute";
    } else {
      f.bound = "unknown";
    }
    f.verification = run.verification;
    f.incomplete = run.incomplete;
    f.fit_note = run.params.text("model_fit_note");
    out.push_back(f);
  }
  return out;
}

void print_token_table(std::FILE* to, const results::Result& r) {
  const auto figures = token_figures(r);
  if (figures.empty()) return;
  const auto c = token_ceilings(r, figures.front().device);
  fmt::print(to, "\ntransformer ({}), per phase and batch:\n", figures.front().model);
  fmt::print(to, "{:<22} {:>13} {:>13} {:>11} {:>14} {:>7} {:>11} {:>7} {:>6} {:>7}\n", "phase",
             "tokens/s", "tokens/J", "J/token", "FLOP/s", "% peak", "bytes/s", "% copy", "FLOP/B",
             "bound");
  bool unfit = false;
  for (const auto& f : figures) {
    const std::string mark = f.assumed ? "*" : "";
    unfit = unfit || !f.fit_note.empty();
    fmt::print(to, "{:<22} {:>13} {:>13} {:>11} {:>14} {:>7} {:>11} {:>7} {:>6.3g} {:>7}\n",
               f.variant + (f.fit_note.empty() ? "" : " !"),
               format_rate(f.tokens_per_second, "token"),
               f.tokens_per_joule ? format_per_joule(*f.tokens_per_joule, "token") + mark : "-",
               f.joules_per_token ? fmt::format("{:.3g}{}", *f.joules_per_token, mark) : "-",
               format_rate(f.flops_per_second, "flop"),
               f.compute_fraction ? fmt::format("{:.0f}%", 100 * *f.compute_fraction) : "-",
               format_rate(f.bytes_per_second, "byte"),
               f.memory_fraction ? fmt::format("{:.0f}%", 100 * *f.memory_fraction) : "-",
               f.flops_per_byte, f.bound);
  }
  if (unfit) {
    for (const auto& f : figures)
      if (!f.fit_note.empty()) fmt::print(to, "! {}: does not fit: {}\n", f.variant, f.fit_note);
  }
  fmt::print(to, "compute ceiling: {}\n",
             c.flops_per_second
                 ? fmt::format("{} ({})", format_rate(*c.flops_per_second, "flop"), c.flops_source)
                 : std::string("none measured"));
  fmt::print(to, "memory ceiling: {}\n",
             c.bytes_per_second
                 ? fmt::format("{} ({})", format_rate(*c.bytes_per_second, "byte"), c.bytes_source)
                 : std::string("none measured (no memcopy run on this device)"));
  fmt::print(to,
             "scope: linear layers and attention products only (no norms, activations, sampling or "
             "serving overhead): an upper bound on tokens/s and tokens/J\n");
}

}  // namespace hashflop::report
