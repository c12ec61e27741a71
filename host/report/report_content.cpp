// The words and tables of the value report, from the market and the valued result files.
#include <fmt/format.h>

#include "common/units.hpp"
#include "report/report.hpp"
#include "results/selection_text.hpp"

namespace hashflop::report {
namespace {

std::string num(double v) {
  return format_number(v);
}
std::string usd(double v) {
  return format_usd(v);
}
std::string opt_usd(const std::optional<double>& v) {
  return v ? usd(*v) : "not computed";
}
std::string mark(bool assumed) {
  return assumed ? " (ASSUMED energy)" : "";
}

std::string energy_cell(EnergyStatus s) {
  return to_string(s);
}

void add_market(Document& doc, const Market& m) {
  auto& s = doc.add(fmt::format("Market inputs: {}", m.name));
  s.paragraph(fmt::format("From {}. {}", m.path.string(), m.description));
  std::vector<std::vector<std::string>> rows;
  for (const auto& key : market_keys()) {
    if (!m.values.contains(key)) continue;
    const auto& v = m.values.at(key);
    std::string value = fmt::format("{:g}", v.value);
    if (v.low && v.high) value += fmt::format(" (range {:g} to {:g})", *v.low, *v.high);
    rows.push_back({key, value, v.unit, v.date, v.source,
                    v.overridden   ? "override"
                    : v.assumption ? "assumption"
                                   : "published"});
  }
  for (const auto& [model, v] : m.token_prices) {
    std::string value = fmt::format("{:g}", v.value);
    if (v.low && v.high) value += fmt::format(" (range {:g} to {:g})", *v.low, *v.high);
    rows.push_back({"token_price." + model, value, v.unit, v.date, v.source,
                    v.overridden   ? "override"
                    : v.assumption ? "assumption"
                                   : "published"});
  }
  for (const auto& [model, v] : m.gpu_hour_prices) {
    rows.push_back({"gpu_hour_price." + model, fmt::format("{:g}", v.value), v.unit, v.date,
                    v.source,
                    v.overridden   ? "override"
                    : v.assumption ? "assumption"
                                   : "published"});
  }
  s.table({"input", "value", "unit", "date", "source", "kind"}, rows);
  std::vector<std::vector<std::string>> asics;
  for (const auto& a : m.asics) {
    std::string jth = num(a.j_per_th);
    if (a.j_per_th_low && a.j_per_th_high)
      jth += fmt::format(" ({:g} to {:g})", *a.j_per_th_low, *a.j_per_th_high);
    asics.push_back(
        {a.model, jth, a.ths ? num(*a.ths) : "-", a.watts ? num(*a.watts) : "-",
         a.price_usd ? usd(*a.price_usd) + (a.price_overridden ? " (override)" : "") : "not set",
         a.date, a.source});
  }
  s.paragraph(
      "Reference mining ASICs (efficiency at the wall, as published; capex only when set):");
  s.table({"model", "J/TH", "TH/s", "W", "price", "date", "source"}, asics);
  if (m.references.empty()) return;
  std::vector<std::vector<std::string>> refs;
  for (const auto& r : m.references) {
    refs.push_back({r.name, r.use, format_usd_amount(r.total_usd), fmt::format("{:g}", r.years),
                    fmt::format("{:g}", r.mw), r.capex_usd ? format_usd_amount(*r.capex_usd) : "-",
                    r.date, r.source});
  }
  s.paragraph("Deals that priced a megawatt (published totals):");
  s.table({"deal", "use", "total", "years", "MW", "operator's capex", "date", "source"}, refs);
}

void add_self_check(Document& doc, const Market& m) {
  auto& s = doc.add("Self-check: network hashprice");
  if (m.values.contains("btc_price_usd")) {
    const Chain c = chain_of(m);
    s.paragraph(fmt::format(
        "hashprice = (subsidy + fees) x BTC price x 86400 s x 1e15 H/PH / (difficulty x 2^32) = "
        "({:g} + {:g}) BTC x ${:g} x 86400 x 1e15 / ({:g} x 4294967296) = ${:.2f} per PH/s per "
        "day.",
        c.subsidy_btc, c.fees_btc, c.btc_price_usd, c.difficulty, hashprice_usd_per_ph_day(c)));
  }
  if (const auto* hp = m.values.contains("hashprice_usd_per_ph_day")
                           ? &m.values.at("hashprice_usd_per_ph_day")
                           : nullptr) {
    s.paragraph(fmt::format(
        "This market quotes the hashprice directly: ${:g} per PH/s per day ({}, {}), so a hash "
        "earns ${:g} / (1e15 x 86400) = ${:.4g}; every mining figure uses it.{}",
        hp->value, hp->date, hp->source, hp->value, usd_per_hash_of(m),
        m.find("network_hashrate_eh_s")
            ? fmt::format(" At {} EH/s the network earns about {} a day.",
                          format_number(*m.find("network_hashrate_eh_s")),
                          format_usd_amount(hp->value * *m.find("network_hashrate_eh_s") * 1e3))
            : ""));
  }
  std::vector<std::string> items;
  for (const auto& a : m.asics) {
    items.push_back(fmt::format("{} at {:g} J/TH earns {} per kWh of its own energy", a.model,
                                a.j_per_th,
                                usd(mining_usd_per_kwh(1e12 / a.j_per_th, usd_per_hash_of(m)))));
  }
  s.list(items);
}

void add_efficiency(Document& doc, const Valuation& v, const Market& m) {
  auto& s = doc.add("Efficiency", 3);
  std::vector<std::vector<std::string>> rows;
  if (v.sha) {
    const auto& r = *v.sha;
    rows.push_back({"sha256d", r.variant, "-", format_rate(r.rate, "hash"),
                    r.energy ? fmt::format("{:.2f}", r.energy->avg_watts) : "-",
                    v.hashes_per_joule ? fmt::format("{} hashes/J", num(*v.hashes_per_joule)) : "-",
                    energy_cell(v.sha_energy)});
  }
  for (const auto& g : v.gemm) {
    rows.push_back({"gemm", g.variant + (g.impl.empty() ? "" : " (" + g.impl + ")"), g.dtype,
                    format_rate(g.flops_per_second, "flop"),
                    g.avg_watts ? fmt::format("{:.2f}", *g.avg_watts) : "-",
                    g.flops_per_joule ? fmt::format("{} FLOP/J", num(*g.flops_per_joule)) : "-",
                    energy_cell(g.energy)});
  }
  s.table({"workload", "variant", "dtype", "rate", "avg W", "per joule", "energy"}, rows);
  for (const auto& t : v.tiled_vs_vendor)
    s.paragraph(fmt::format("{}: tiled {} / vendor {} FLOP/J = {:.3f}", t.dtype, t.tiled, t.vendor,
                            t.ratio));
  if (!v.j_per_th) {
    s.paragraph("No J/TH: the sha256d energy was not measured.", true);
    return;
  }
  s.paragraph(fmt::format("This device: {} J/TH{} (1e12 / {} hashes/J).", num(*v.j_per_th),
                          mark(v.sha_energy == EnergyStatus::assumed), num(*v.hashes_per_joule)));
  std::vector<std::vector<std::string>> asics;
  for (const auto& a : m.asics) {
    asics.push_back({a.model, num(a.j_per_th), num(*v.j_per_th),
                     fmt::format("{} times less efficient", num(*v.j_per_th / a.j_per_th))});
  }
  s.table({"ASIC", "ASIC J/TH", "this device J/TH", "this device vs the ASIC"}, asics);
}

void add_money(Document& doc, const Valuation& v, const Market& m) {
  auto& s = doc.add("Money per kWh of device energy", 3);
  const bool sha_assumed = v.sha_energy == EnergyStatus::assumed;
  const bool ai_assumed = v.best_gemm && v.gemm[*v.best_gemm].energy == EnergyStatus::assumed;
  const double pue = m.at("pue"), price = m.at("electricity_usd_per_kwh");
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      {"mining revenue", opt_usd(v.mining_usd_per_kwh) + mark(sha_assumed),
       m.quotes_hashprice()
           ? fmt::format("hashes/J x 3.6e6 x hashprice ${:g} / (1e15 x 86400)", hashprice_of(m))
           : "hashes/J x 3.6e6 x (subsidy + fees) x BTC price / (difficulty x 2^32)"});
  rows.push_back({"electricity cost", opt_usd(v.electricity_usd_per_kwh),
                  fmt::format("facility price ${:g}/kWh x PUE {:g}", price, pue)});
  rows.push_back({"mining margin", opt_usd(v.mining_margin_usd_per_kwh) + mark(sha_assumed),
                  "mining revenue - electricity cost"});
  rows.push_back({"break-even electricity price",
                  opt_usd(v.break_even_usd_per_kwh) + mark(sha_assumed),
                  "facility $/kWh at which mining margin is zero: mining revenue / PUE"});
  rows.push_back({"AI revenue", opt_usd(v.ai_usd_per_kwh) + mark(ai_assumed),
                  fmt::format("{} / the average kW of the best GEMM run", v.hour_basis)});
  if (v.best_gemm) {
    const auto& g = v.gemm[*v.best_gemm];
    rows.push_back(
        {"AI: best GEMM run", fmt::format("{} {} ({})", g.variant, g.dtype, g.impl),
         fmt::format("{} at {:.2f} W", format_rate(g.flops_per_second, "flop"), *g.avg_watts)});
  }
  rows.push_back({"AI price per PFLOP", opt_usd(v.usd_per_pflop),
                  "hour price / (FLOP/s x 3600 / 1e15), at the fastest GEMM's measured rate "
                  "(no energy needed)"});
  rows.push_back({"value multiple, AI / mining, per kWh",
                  v.value_multiple
                      ? format_multiple(*v.value_multiple) + mark(sha_assumed || ai_assumed)
                      : "not computed",
                  "AI revenue per kWh / mining revenue per kWh"});
  rows.push_back({"value multiple, AI / mining, per device-hour",
                  v.hour_multiple ? format_multiple(*v.hour_multiple) : "not computed",
                  "hour price / (hashes per second x 3600 x USD per hash): no energy needed"});
  s.table({"figure", "USD per device kWh", "how"}, rows);
  if (v.cpu) {
    s.paragraph(fmt::format(
        "This is a CPU: AI revenue uses a CPU-hour price (cores x core-hour price), not a "
        "GPU-hour price, so it compares renting these {} cores with mining on them.",
        v.cores));
  }
  if (!v.mining_usd_per_kwh || !v.ai_usd_per_kwh)
    s.paragraph("Money figures that need missing energy are not computed.", true);
  if (!v.sensitivity) return;
  auto& t = doc.add("Sensitivity: mining revenue per device kWh", 3);
  std::vector<std::vector<std::string>> grid;
  for (size_t p = 0; p < price_factors.size(); ++p) {
    std::vector<std::string> row = {m.values.contains("btc_price_usd")
                                        ? fmt::format("BTC x{:g} (${:g})", price_factors[p],
                                                      price_factors[p] * m.at("btc_price_usd"))
                                        : fmt::format("BTC x{:g} (hashprice {})", price_factors[p],
                                                      usd(price_factors[p] * hashprice_of(m)))};
    for (size_t d = 0; d < difficulty_factors.size(); ++d)
      row.push_back(usd((*v.sensitivity)[p][d]));
    grid.push_back(row);
  }
  t.table({"BTC price \\ difficulty", "-20%", "0", "+20%"}, grid);
}

void add_tokens(Document& doc, const Valuation& v, const Market& m) {
  if (v.tokens.empty()) return;
  auto& s = doc.add("Token lens: transformer tokens per kWh", 3);
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : v.tokens) {
    const auto& f = t.figure;
    const std::string a = mark(t.energy == EnergyStatus::assumed);
    rows.push_back(
        {f.variant + (f.fit_note.empty() ? "" : " (model does not fit)"),
         format_rate(f.tokens_per_second, "token"),
         f.tokens_per_joule ? num(*f.tokens_per_joule) + a : "-",
         f.joules_per_token ? num(*f.joules_per_token) + a : "-",
         fmt::format(
             "{} ({}{})", f.bound, format_rate(f.bytes_per_second, "byte"),
             f.memory_fraction ? fmt::format(", {:.0f}% of copy", 100 * *f.memory_fraction) : ""),
         t.usd_per_million_tokens ? usd(*t.usd_per_million_tokens) : "no price",
         opt_usd(t.usd_per_kwh) + (t.usd_per_kwh ? a : ""),
         t.value_multiple ? num(*t.value_multiple) + a : "-"});
  }
  s.table({"phase", "tokens/s", "tokens/J", "J/token", "bound (bytes/s)", "price per M tokens",
           "tokens $/kWh", "tokens / mining"},
          rows);
  std::vector<std::string> unfit;
  for (const auto& t : v.tokens)
    if (!t.figure.fit_note.empty())
      unfit.push_back(fmt::format("{} does not fit: {}", t.figure.variant, t.figure.fit_note));
  if (!unfit.empty()) s.list(unfit, true);
  const auto& model = v.tokens.front().figure.model;
  if (const auto p = m.token_prices.find(model); p != m.token_prices.end()) {
    s.paragraph(fmt::format(
        "Token revenue per kWh = tokens/J x 3.6e6 J/kWh x price per token; {} at ${:g} per "
        "million tokens ({}, {}; {}).",
        model, p->second.value, p->second.date,
        p->second.overridden   ? "override"
        : p->second.assumption ? "an assumption"
                               : "published",
        p->second.source));
  }
  if (v.best_tokens) {
    const auto& b = v.tokens[*v.best_tokens];
    s.paragraph(fmt::format(
        "Two lenses on AI per kWh: the hour lens ({}) gives {} per kWh, multiple over mining {}; "
        "the token lens at its best phase ({}) gives {} per kWh, multiple over mining {}.{}",
        v.hour_basis, opt_usd(v.ai_usd_per_kwh),
        v.value_multiple ? num(*v.value_multiple) : "not computed", b.figure.variant,
        opt_usd(b.usd_per_kwh), b.value_multiple ? num(*b.value_multiple) : "not computed",
        b.mining_tokens_per_joule
            ? fmt::format(" Tokens earn what mining earns per kWh at {} tokens/J.",
                          num(*b.mining_tokens_per_joule))
            : ""));
  }
  s.paragraph(
      "Scope: linear layers and attention products only (no norms, activations, sampling or "
      "serving overhead), so tokens/J is an upper bound for this device, not a serving "
      "benchmark. Prefill rows count prompt tokens, decode rows output tokens; one price is "
      "applied to both.");
}

std::string units_cell(const SiteRow& r) {
  return r.units ? format_number(*r.units) : "-";
}

void add_site_table(Document& doc, const Valuation& v, const Market& m) {
  const SiteLens& lens = v.site;
  auto& s = doc.add("Site lens: " + v.label, 3);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : lens.rows) {
    rows.push_back({r.name, r.energy, units_cell(r), format_usd_amount(r.revenue),
                    r.energy_passed_through ? "passed through" : format_usd_amount(r.energy_cost),
                    format_usd_amount(r.margin),
                    r.payback_months ? fmt::format("{:.1f}", *r.payback_months) : "-", r.how});
  }
  s.table({"use", "energy", "units", "revenue / year", "energy cost / year", "margin / year",
           "payback months", "how"},
          rows);
  if (!lens.notes.empty()) s.list(lens.notes, true);
  if (!lens.sensitivity || !lens.rental || !lens.best_asic) return;
  const auto& rent = lens.rows[*lens.rental];
  const auto& asic = lens.rows[*lens.best_asic];
  s.paragraph(fmt::format(
      "Sensitivity: renting margin minus the margin of {} per year (a positive figure: renting "
      "earns more), as the hashprice (rows) and the hour price (columns) move; energy {} for "
      "the device.",
      asic.name, rent.energy));
  std::vector<std::string> header = {"hashprice \\ hour price"};
  for (const double f : site_factors)
    header.push_back(fmt::format("x{:g} ({}/h)", f, usd(f * v.hour_usd)));
  std::vector<std::vector<std::string>> grid;
  for (size_t h = 0; h < site_factors.size(); ++h) {
    std::vector<std::string> row = {
        fmt::format("x{:g} ({}/PH/day)", site_factors[h], usd(site_factors[h] * hashprice_of(m)))};
    for (size_t p = 0; p < site_factors.size(); ++p)
      row.push_back(format_usd_amount((*lens.sensitivity)[h][p]));
    grid.push_back(row);
  }
  s.table(header, grid);
}

void add_site_lens(Document& doc, const Market& m, const std::vector<Valuation>& vals) {
  if (vals.empty()) return;
  const double mw = vals.front().site.mw;
  auto& s = doc.add(fmt::format("Site lens: what {:g} MW of IT power earns in a year", mw));
  s.paragraph(
      "Each way to fill the site, its revenue, energy cost and margin per year. The energy "
      "column says whose watts size each row: measured by hashflop, ASSUMED (--assume-watts), "
      "the maker's spec (ASICs) or none (a lease). Method: see Method and assumptions.");
  std::vector<std::vector<std::string>> refs;
  for (const auto& r : vals.front().site.references)
    refs.push_back({r.name, r.use, format_usd_amount(r.usd_per_mw_year), r.how});
  s.paragraph("References per MW-year, with the arithmetic:");
  s.table({"reference", "use", "per MW-year", "how"}, refs);
  for (const auto& v : vals) add_site_table(doc, v, m);
}

void add_device(Document& doc, const Valuation& v, const Market& m) {
  auto& s = doc.add("Device: " + v.label);
  s.paragraph(fmt::format("Results file {}, run started {}.", v.file, v.started));
  if (v.sha && v.sha->selection)
    s.paragraph(fmt::format("sha256d variant {}: {}.", v.sha->variant,
                            results::describe_selection(*v.sha->selection)));
  if (!v.flags.empty()) s.list(v.flags, true);
  add_efficiency(doc, v, m);
  add_money(doc, v, m);
  add_tokens(doc, v, m);
}

void add_method(Document& doc, const Market& m) {
  const auto overhead = m.find("host_overhead_fraction"), use = m.find("utilisation");
  auto& s = doc.add("Method and assumptions");
  s.list(
      {"Every money figure is per kWh of device energy: the joules the energy meter counted for "
       "the device while it ran the workload (RAPL package energy on a CPU, NVML on a GPU).",
       fmt::format("PUE is applied to the electricity cost side only: each device kWh costs the "
                   "facility price x PUE ({:g}), because cooling and power conversion draw PUE "
                   "kWh at the facility meter per device kWh. Revenues are not scaled by PUE.",
                   m.at("pue")),
       "Mining revenue is the expected reward per hash, (block subsidy + average fees per "
       "block) x BTC price / (difficulty x 2^32), or, where the market quotes a hashprice, "
       "hashprice / (1e15 H/PH x 86400 s), times the hashes the device does per kWh. It "
       "ignores pool fees, stale shares and hardware cost.",
       "AI revenue is the hourly rental price of the device divided by its measured average power "
       "in kW while running the most energy-efficient GEMM: what a kWh earns if the device is "
       "rented out at that price. GEMM is a stand-in for AI work; real training and inference "
       "run below peak GEMM efficiency.",
       "A CPU is priced per core-hour times the cores measured, and says so.",
       "Energy ASSUMED means a constant wattage was given with --assume-watts instead of a "
       "measurement: those figures are only as good as that guess. Missing energy means no money "
       "figure is computed for that workload.",
       "Market inputs are not fetched live: each carries its date and source above, and "
       "--market FILE or --set key=value replaces them.",
       fmt::format(
           "The site lens fills the site's IT megawatts with one use for a year of 8,760 hours. "
           "ASICs count at their makers' wall watts; the measured device at its measured (or "
           "ASSUMED) watts times 1 + host overhead ({}), for the CPU, memory, fans and network a "
           "server adds. Renting and serving tokens sell a share of the hours (utilisation {}); "
           "mining runs every hour. Every use draws the site's full power all year, so the "
           "energy cost, MW x 1000 x 8760 x price x PUE, is the same for each (an upper bound "
           "for devices that idle); colocation's power is assumed passed through to the tenant. "
           "Device counts are averages (fractional). Payback months = capex / (margin / 12), "
           "shown only when a capex input is set.",
           overhead ? fmt::format("{:g}", *overhead) : "not given",
           use ? fmt::format("{:g}", *use) : "not given")});
}

}  // namespace

Document build_document(const Market& market, const std::vector<Valuation>& valuations,
                        const std::vector<Plot>& plots, const std::string& plot_note) {
  Document doc;
  doc.title = "hashflop value report: mining versus AI per kWh";
  auto& sum = doc.add("Summary");
  sum.paragraph(fmt::format("Prices: {}; network hashprice {} per PH/s per day.",
                            market_line(market), usd(hashprice_of(market))));
  if (const auto stale = market_staleness(market, valuations); !stale.empty())
    sum.paragraph(stale, true);
  for (const auto& v : valuations) sum.paragraph(verdict_sentence(v));
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : valuations) {
    const std::string status = v.any_assumed()                       ? "ASSUMED"
                               : (v.hashes_per_joule && v.best_gemm) ? "measured"
                                                                     : "missing (partly or all)";
    rows.push_back({v.label, status, v.hashes_per_joule ? num(*v.hashes_per_joule) : "-",
                    v.j_per_th ? num(*v.j_per_th) : "-",
                    v.best_gemm ? num(*v.gemm[*v.best_gemm].flops_per_joule) : "-",
                    opt_usd(v.mining_usd_per_kwh), opt_usd(v.ai_usd_per_kwh),
                    v.value_multiple ? format_multiple(*v.value_multiple) : "-",
                    v.hour_multiple ? format_multiple(*v.hour_multiple) : "-"});
  }
  sum.table({"device", "energy", "hashes/J", "J/TH", "best FLOP/J", "mining $/kWh", "AI $/kWh",
             "AI / mining per kWh", "AI / mining per hour"},
            rows);
  for (const auto& v : valuations) {
    if (v.any_assumed())
      sum.paragraph(v.label + ": energy was ASSUMED (--assume-watts), not measured.", true);
    if (v.best_tokens) {
      const auto& b = v.tokens[*v.best_tokens];
      sum.paragraph(fmt::format("{}: token lens ({} {}): {} per kWh, {} times mining{}.", v.label,
                                b.figure.model, b.figure.variant, opt_usd(b.usd_per_kwh),
                                b.value_multiple ? num(*b.value_multiple) : "not computed",
                                mark(b.energy == EnergyStatus::assumed)));
    }
  }
  for (const auto& v : valuations) sum.paragraph(v.site.sentence);
  add_self_check(doc, market);
  add_site_lens(doc, market, valuations);
  for (const auto& v : valuations) add_device(doc, v, market);
  auto& pics = doc.add("Pictures");
  if (!plot_note.empty()) pics.paragraph(plot_note, plots.empty());
  for (const auto& p : plots) {
    pics.image(p.png, p.caption);
    pics.paragraph(fmt::format("Vector version: {}", p.svg));
  }
  add_market(doc, market);
  add_method(doc, market);
  return doc;
}

}  // namespace hashflop::report
