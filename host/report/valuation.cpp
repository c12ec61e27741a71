#include "report/valuation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.hpp"
#include "common/units.hpp"

namespace hashflop::report {

const char* to_string(EnergyStatus s) {
  switch (s) {
    case EnergyStatus::measured:
      return "measured";
    case EnergyStatus::assumed:
      return "ASSUMED";
    case EnergyStatus::missing:
      return "missing";
  }
  return "missing";
}

bool Valuation::any_assumed() const {
  if (sha_energy == EnergyStatus::assumed) return true;
  return std::any_of(gemm.begin(), gemm.end(),
                     [](const GemmFigure& g) { return g.energy == EnergyStatus::assumed; }) ||
         std::any_of(tokens.begin(), tokens.end(),
                     [](const TokenLens& t) { return t.energy == EnergyStatus::assumed; });
}

Chain chain_of(const Market& m) {
  return {m.at("block_subsidy_btc"), m.at("fees_per_block_btc"), m.at("difficulty"),
          m.at("btc_price_usd")};
}

namespace {

EnergyStatus status_of(const results::Run& r) {
  if (!r.energy || !r.per_joule) return EnergyStatus::missing;
  return r.energy->assumed ? EnergyStatus::assumed : EnergyStatus::measured;
}

std::string energy_note(const results::Run& r) {
  if (!r.energy) {
    return "energy not measured: " + (r.energy_unavailable_reason.empty()
                                          ? std::string("no reason recorded")
                                          : r.energy_unavailable_reason);
  }
  if (r.energy->assumed)
    return fmt::format(
        "energy ASSUMED: a constant {:.2f} W given with --assume-watts, not measured",
        r.energy->avg_watts);
  return fmt::format("energy measured ({}), average {:.2f} W", r.energy->method,
                     r.energy->avg_watts);
}

// The best measured sha256d run: highest hashes per joule, else highest rate.
std::optional<results::Run> best_sha(const results::Result& result) {
  const results::Run* best = nullptr;
  for (const auto& r : result.runs) {
    if (r.workload != WorkloadKind::sha256d || r.samples.empty()) continue;
    const auto key = [](const results::Run& x) {
      return std::make_pair(x.per_joule.has_value(), x.per_joule.value_or(x.rate));
    };
    if (best == nullptr || key(r) > key(*best)) best = &r;
  }
  return best ? std::optional<results::Run>(*best) : std::nullopt;
}

void value_money(Valuation& v, const Market& m) {
  const double pue = m.at("pue");
  const double price = m.at("electricity_usd_per_kwh");
  v.electricity_usd_per_kwh = electricity_usd_per_device_kwh(price, pue);
  const double per_hash = usd_per_hash_of(m);
  if (v.hashes_per_joule) {
    v.mining_usd_per_kwh = mining_usd_per_kwh(*v.hashes_per_joule, per_hash);
    v.mining_margin_usd_per_kwh = *v.mining_usd_per_kwh - *v.electricity_usd_per_kwh;
    v.break_even_usd_per_kwh = break_even_usd_per_kwh(*v.mining_usd_per_kwh, pue);
    v.sensitivity = mining_sensitivity(*v.hashes_per_joule, per_hash);
  }
  if (v.best_gemm) {
    const auto& g = v.gemm[*v.best_gemm];
    v.ai_usd_per_kwh = ai_usd_per_kwh(v.hour_usd, *g.avg_watts);
  }
  // Figures that need no energy: the price of a PFLOP at the fastest GEMM, and an hour of AI
  // rental against an hour of mining.
  double fastest = 0;
  for (const auto& g : v.gemm) fastest = std::max(fastest, g.flops_per_second);
  if (fastest > 0) v.usd_per_pflop = usd_per_pflop(v.hour_usd, fastest);
  v.btc_price_usd = m.find("btc_price_usd").value_or(0);
  v.mining_basis = mining_basis(m);
  if (v.sha && v.sha->rate > 0) {
    const double mining_hour_usd = v.sha->rate * 3600 * per_hash;
    if (mining_hour_usd > 0) v.hour_multiple = v.hour_usd / mining_hour_usd;
  }
  if (v.mining_usd_per_kwh && v.ai_usd_per_kwh && *v.mining_usd_per_kwh > 0)
    v.value_multiple = *v.ai_usd_per_kwh / *v.mining_usd_per_kwh;
  for (size_t i = 0; i < v.tokens.size(); ++i) {
    auto& t = v.tokens[i];
    const auto quote = m.token_prices.find(t.figure.model);
    if (quote == m.token_prices.end()) continue;
    t.usd_per_million_tokens = quote->second.value;
    const double per_token = quote->second.value / 1e6;
    if (v.mining_usd_per_kwh)
      t.mining_tokens_per_joule = *v.mining_usd_per_kwh / (3.6e6 * per_token);
    if (!t.figure.tokens_per_joule) continue;
    t.usd_per_kwh = token_usd_per_kwh(*t.figure.tokens_per_joule, per_token);
    if (v.mining_usd_per_kwh && *v.mining_usd_per_kwh > 0)
      t.value_multiple = *t.usd_per_kwh / *v.mining_usd_per_kwh;
    if (!v.best_tokens || *t.usd_per_kwh > *v.tokens[*v.best_tokens].usd_per_kwh) v.best_tokens = i;
  }
}

void value_tokens(Valuation& v, const results::Result& result, const Market& m) {
  std::string unpriced;
  for (const auto& f : token_figures(result)) {
    TokenLens t;
    t.figure = f;
    t.energy = !f.tokens_per_joule ? EnergyStatus::missing
               : f.assumed         ? EnergyStatus::assumed
                                   : EnergyStatus::measured;
    if (f.phase == "decode" && f.memory_fraction &&
        (!v.token_memory_ratio || *f.memory_fraction > *v.token_memory_ratio))
      v.token_memory_ratio = f.memory_fraction;
    if (!f.fit_note.empty())
      v.flags.push_back(fmt::format("transformer {}: {}", f.variant, f.fit_note));
    if (!m.token_prices.contains(f.model) && unpriced.find(f.model) == std::string::npos)
      unpriced += (unpriced.empty() ? "" : ", ") + f.model;
    v.tokens.push_back(t);
  }
  if (v.tokens.empty()) return;
  if (!unpriced.empty())
    v.flags.push_back(
        fmt::format("transformer: the market has no token price for {}; no token "
                    "money figure for it",
                    unpriced));
  // Through string_view: GCC 12 misreads the literals' copies into the vector as over-reads
  // (-Wstringop-overread) in some inlining contexts (the CUDA build's precompiled header).
  using namespace std::string_view_literals;
  if (v.tokens.front().energy == EnergyStatus::missing)
    v.flags.emplace_back("transformer: energy not measured; no tokens/J or token money figure"sv);
  else if (v.tokens.front().energy == EnergyStatus::assumed)
    v.flags.emplace_back(
        "transformer: energy ASSUMED (--assume-watts); every token figure is assumed"sv);
}

// A run's params "threads": 0 when absent; a count up to 2^20 (as a results file's reader
// would take it), else the file is malformed.
unsigned thread_count(const Record& params) {
  constexpr unsigned hi = 1u << 20;
  const Value* v = params.find("threads");
  if (v == nullptr || v->is_null()) return 0;
  const auto n = v->number();
  if (!n) throw Error("\"threads\" is not a number");
  if (*n != std::floor(*n) || *n < 0 || *n > hi)
    throw Error(
        fmt::format("\"threads\" is {}, not an integer in [0, {}]", results::to_json_text(*v), hi));
  return static_cast<unsigned>(*n);
}

unsigned host_cores(const results::HostFacts& host) {
  constexpr unsigned hi = 1u << 20;
  const unsigned cores = host.logical_cores.value_or(1);
  if (cores < 1 || cores > hi)
    throw Error(fmt::format("\"logical_cores\" is {}, not an integer in [1, {}]", cores, hi));
  return cores;
}

}  // namespace

std::string verdict_sentence(const Valuation& v) {
  const std::string device =
      fmt::format("{} ({})", v.device_name.empty() ? v.device_id : v.device_name, v.device_id);
  std::string s;
  if (v.hour_multiple) {
    s = fmt::format("On this {}, an hour of AI rental earns {} what an hour of mining earns at {}.",
                    device, format_multiple(*v.hour_multiple), v.mining_basis);
  } else {
    s = fmt::format(
        "On this {}, no sha256d rate was measured, so mining and AI cannot be set "
        "side by side.",
        device);
  }
  if (v.value_multiple) {
    s +=
        fmt::format(" Per kWh, AI earns {} what mining does{}.", format_multiple(*v.value_multiple),
                    v.any_assumed() ? " (ASSUMED watts, not measured)" : "");
  } else if (v.sha_energy == EnergyStatus::missing || !v.best_gemm) {
    s += v.cpu ? " Per kWh figures need energy: let hashflop read RAPL (sudo chmod o+r "
                 "/sys/class/powercap/intel-rapl:*/energy_uj), or give --assume-watts with the "
                 "CPU's typical package power (a laptop 15-45 W, a server socket 150-400 W), "
                 "which marks every per-joule figure ASSUMED."
               : " Per kWh figures need energy: NVML gave none; --assume-watts with the card's "
                 "board power (e.g. 700 for an H100 SXM) marks every per-joule figure ASSUMED.";
  }
  return s;
}

namespace {

// The site lens's view of a valued device: its watts, efficiencies and hour price, and per
// model and phase the batch with the most tokens per joule.
SiteDevice site_device(const Valuation& v) {
  SiteDevice d;
  d.name = v.device_name.empty() ? v.device_id : v.device_name;
  d.cpu = v.cpu;
  d.cores = v.cores;
  d.hour_usd = v.hour_usd;
  d.hour_basis = v.hour_basis;
  if (v.hashes_per_joule && v.sha && v.sha->energy) {
    d.hashes_per_joule = v.hashes_per_joule;
    d.sha_watts = v.sha->energy->avg_watts;
    d.sha_assumed = v.sha_energy == EnergyStatus::assumed;
  }
  if (v.best_gemm) {
    d.gemm_watts = v.gemm[*v.best_gemm].avg_watts;
    d.gemm_assumed = v.gemm[*v.best_gemm].energy == EnergyStatus::assumed;
  }
  std::map<std::pair<std::string, std::string>, SiteTokens> best;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& t : v.tokens) {
    if (!t.figure.tokens_per_joule) continue;
    const auto key = std::make_pair(t.figure.model, t.figure.phase);
    const auto it = best.find(key);
    if (it != best.end() && it->second.tokens_per_joule >= *t.figure.tokens_per_joule) continue;
    if (it == best.end()) order.push_back(key);
    best[key] = {t.figure.model,
                 t.figure.phase,
                 t.figure.variant,
                 t.figure.batch,
                 *t.figure.tokens_per_joule,
                 t.energy == EnergyStatus::assumed,
                 t.usd_per_million_tokens};
  }
  for (const auto& key : order) d.tokens.push_back(best[key]);
  return d;
}

}  // namespace

Valuation value_result(const results::Result& result, const std::string& file, const Market& m,
                       double site_mw) {
  Valuation v;
  v.file = file;
  v.hostname = result.host.hostname.value_or("");
  v.started = result.started;
  if (!result.devices.empty()) {
    v.device_id = result.devices[0].id;
    v.device_name = result.devices[0].name;
  }
  // A fleet names its devices rank0@host/cuda:1: the kind is in the local part.
  const std::string local = v.device_id.substr(v.device_id.rfind('/') + 1);
  v.cpu = !local.starts_with("cuda");
  v.label = fmt::format("{} ({}) on {}", v.device_name.empty() ? v.device_id : v.device_name,
                        v.device_id, v.hostname.empty() ? "unknown host" : v.hostname);

  v.sha = best_sha(result);
  if (v.sha) {
    v.sha_energy = status_of(*v.sha);
    v.sha_energy_note = energy_note(*v.sha);
    if (v.sha_energy != EnergyStatus::missing) {
      v.hashes_per_joule = v.sha->per_joule;
      v.j_per_th = joules_per_terahash(*v.hashes_per_joule);
    } else {
      v.flags.push_back("sha256d: " + v.sha_energy_note + "; no mining money figure is computed");
    }
    if (v.sha_energy == EnergyStatus::assumed)
      v.flags.push_back("sha256d: " + v.sha_energy_note + "; every figure from it is assumed");
  } else {
    v.flags.push_back("no measured sha256d run: no mining figures");
  }

  unsigned threads = 0;
  std::string gemm_reason;
  for (const auto& r : result.runs) {
    if (r.workload != WorkloadKind::gemm || r.samples.empty()) continue;
    GemmFigure g{r.params.text("dtype", "?"),
                 r.variant,
                 r.params.text("impl"),
                 r.rate,
                 r.per_joule,
                 std::nullopt,
                 status_of(r)};
    if (r.energy) g.avg_watts = r.energy->avg_watts;
    if (!r.energy && gemm_reason.empty()) gemm_reason = r.energy_unavailable_reason;
    if (g.energy != EnergyStatus::missing &&
        (!v.best_gemm || *g.flops_per_joule > *v.gemm[*v.best_gemm].flops_per_joule))
      v.best_gemm = v.gemm.size();
    threads = std::max(threads, thread_count(r.params));
    v.gemm.push_back(g);
  }
  for (const auto& t : v.gemm) {
    if (t.impl != "tiled" || !t.flops_per_joule) continue;
    for (const auto& u : v.gemm) {
      if (u.impl == "vendor" && u.dtype == t.dtype && u.flops_per_joule)
        v.tiled_vs_vendor.push_back(
            {t.dtype, t.variant, u.variant, *t.flops_per_joule / *u.flops_per_joule});
    }
  }
  if (v.gemm.empty()) {
    v.flags.push_back("no measured GEMM run: no AI figures");
  } else if (!v.best_gemm) {
    v.flags.push_back("gemm: energy not measured (" +
                      (gemm_reason.empty() ? std::string("no reason recorded") : gemm_reason) +
                      "); no AI money figure is computed");
  } else if (v.gemm[*v.best_gemm].energy == EnergyStatus::assumed) {
    v.flags.push_back("gemm: energy ASSUMED (--assume-watts); every AI figure from it is assumed");
  }
  if (result.incomplete) v.flags.push_back("the run was incomplete (stopped or short windows)");
  // A capped clock measured the cap, not the work: every figure from such a run says so.
  for (const auto& run : result.runs) {
    if (const size_t n = results::throttled_windows(run); n > 0) {
      v.flags.push_back(fmt::format("{} {}: {} of {} windows throttled for power or heat ({})",
                                    run.workload, run.variant, n, run.samples.size(),
                                    fmt::join(results::throttle_reasons(run), ", ")));
    }
    if (run.throttled_windows_discarded > 0) {
      v.flags.push_back(fmt::format("{} {}: {} throttled windows discarded (--discard-throttled)",
                                    run.workload, run.variant, run.throttled_windows_discarded));
    }
  }

  if (v.cpu) {
    v.cores = threads != 0 ? threads : host_cores(result.host);
    const double core_hour = m.at("cpu_core_hour_usd");
    v.hour_usd = core_hour * v.cores;
    v.hour_basis = fmt::format(
        "CPU-hour price (not a GPU-hour): {} cores x ${:g} per core-hour = ${:g} per hour", v.cores,
        core_hour, v.hour_usd);
  } else if (const auto* model = m.gpu_price_for(v.device_name)) {
    v.hour_usd = model->second.value;
    v.hour_basis = fmt::format("GPU-hour price for {}: ${:g} per GPU-hour ({}, {})", model->first,
                               v.hour_usd, model->second.unit, model->second.date);
  } else {
    v.hour_usd = m.at("gpu_hour_usd");
    v.hour_basis = fmt::format(
        "GPU-hour price: ${:g} per GPU-hour (the market's default: it has no price for this "
        "model)",
        v.hour_usd);
  }
  value_tokens(v, result, m);
  value_money(v, m);
  v.site = build_site_lens(site_device(v), m, site_mw);
  return v;
}

}  // namespace hashflop::report
