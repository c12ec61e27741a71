#include "report/site_lens.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "common/units.hpp"
#include "report/market.hpp"

namespace hashflop::report {

const char* site_use_name(SiteUse use) {
  switch (use) {
    case SiteUse::asic:
      return "asic";
    case SiteUse::device_mining:
      return "device_mining";
    case SiteUse::device_rental:
      return "device_rental";
    case SiteUse::tokens:
      return "tokens";
    case SiteUse::colocation:
      return "colocation";
  }
  return "asic";
}

double site_energy_cost_usd(double mw, double facility_usd_per_kwh, double pue) {
  return mw * 1000 * hours_per_year * facility_usd_per_kwh * pue;
}

double devices_per_site(double mw, double device_watts, double host_overhead) {
  return mw * 1e6 / (device_watts * (1 + host_overhead));
}

double asic_units_per_site(double mw, double asic_watts) {
  return mw * 1e6 / asic_watts;
}

double asic_mining_usd_per_year(double mw, double j_per_th, double usd_per_hash) {
  return mw * 1e6 / (j_per_th / 1e12) * usd_per_hash * seconds_per_year;
}

double device_mining_usd_per_year(double mw, double hashes_per_joule, double host_overhead,
                                  double usd_per_hash) {
  return mw * 1e6 / (1 + host_overhead) * hashes_per_joule * usd_per_hash * seconds_per_year;
}

double rental_usd_per_year(double devices, double usd_per_hour, double utilisation) {
  return devices * usd_per_hour * hours_per_year * utilisation;
}

double token_usd_per_year(double mw, double tokens_per_joule, double host_overhead,
                          double utilisation, double usd_per_million_tokens) {
  return mw * 1e6 / (1 + host_overhead) * tokens_per_joule * seconds_per_year * utilisation *
         usd_per_million_tokens / 1e6;
}

std::optional<double> payback_months(double capex_usd, double margin_usd_per_year) {
  if (margin_usd_per_year <= 0) return std::nullopt;
  return capex_usd / (margin_usd_per_year / 12);
}

namespace {

std::string amount(double v) {
  return format_usd_amount(v);
}

const char* watts_kind(bool assumed) {
  return assumed ? "ASSUMED" : "measured";
}

struct SiteInputs {
  double mw, usd_per_hash, energy_cost, pue, price;
  std::optional<double> overhead, utilisation;
};

SiteRow with_cost(SiteRow row, const SiteInputs& in) {
  row.energy_cost = in.energy_cost;
  row.margin = row.revenue - row.energy_cost;
  return row;
}

void add_asics(SiteLens& lens, const results::Market& m, const SiteInputs& in) {
  for (const auto& a : m.asics) {
    SiteRow row;
    row.use = SiteUse::asic;
    row.name = "mining with " + a.model;
    row.energy = "maker spec";
    row.revenue = asic_mining_usd_per_year(in.mw, a.j_per_th, in.usd_per_hash);
    row.how = fmt::format("{:g} MW / {:g} J/TH = {} TH/s, x {} per PH/s-day x 365", in.mw,
                          a.j_per_th, format_number(in.mw * 1e6 / a.j_per_th),
                          format_usd(in.usd_per_hash * 1e15 * 86400));
    if (a.watts) row.units = asic_units_per_site(in.mw, *a.watts);
    row = with_cost(row, in);
    if (a.price_usd && row.units)
      row.payback_months = payback_months(*a.price_usd * *row.units, row.margin);
    // ASIC rows come first, so a row's index is its ASIC's index.
    if (!lens.best_asic || a.j_per_th < m.asics[*lens.best_asic].j_per_th)
      lens.best_asic = lens.rows.size();
    lens.rows.push_back(row);
  }
}

std::optional<double> capex_of(const SiteDevice& d, const results::Market& m) {
  return m.find(d.cpu ? "cpu_capex_usd" : "gpu_capex_usd");
}

void add_device_rows(SiteLens& lens, const SiteDevice& d, const results::Market& m,
                     const SiteInputs& in) {
  // Literals go in as string_views: GCC 12 reads a moved-from SSO string's source as 16 bytes
  // and flags the copy (-Wstringop-overread, a false positive in the PCH build).
  using namespace std::string_view_literals;
  if (!in.overhead) {
    lens.notes.emplace_back(
        "no host_overhead_fraction in the market file: the measured device's rows are not "
        "computed (its board watts are not a server's)"sv);
    return;
  }
  const double f = *in.overhead;
  const auto capex = capex_of(d, m);
  if (d.hashes_per_joule && d.sha_watts) {
    SiteRow row;
    row.use = SiteUse::device_mining;
    row.name = "mining with this device";
    row.energy = watts_kind(d.sha_assumed);
    row.units = devices_per_site(in.mw, *d.sha_watts, f);
    row.revenue = device_mining_usd_per_year(in.mw, *d.hashes_per_joule, f, in.usd_per_hash);
    row.how = fmt::format(
        "{:g} MW / ({:.2f} W x (1 + {:g})) = {} devices; {:g} MW / (1 + {:g}) x {} H/J x {} "
        "per hash x 8760 h x 3600 s",
        in.mw, *d.sha_watts, f, format_number(*row.units), in.mw, f,
        format_number(*d.hashes_per_joule), fmt::format("${:.3g}", in.usd_per_hash));
    row = with_cost(row, in);
    if (capex) row.payback_months = payback_months(*capex * *row.units, row.margin);
    lens.rows.push_back(row);
  } else {
    lens.notes.emplace_back("mining with this device: no sha256d run with energy"sv);
  }
  if (d.gemm_watts && in.utilisation) {
    SiteRow row;
    row.use = SiteUse::device_rental;
    row.name = d.cpu ? "renting this CPU by the core-hour" : "renting this GPU by the hour";
    row.energy = watts_kind(d.gemm_assumed);
    row.units = devices_per_site(in.mw, *d.gemm_watts, f);
    row.revenue = rental_usd_per_year(*row.units, d.hour_usd, *in.utilisation);
    row.how = fmt::format(
        "{:g} MW / ({:.2f} W x (1 + {:g})) = {} devices (watts of the best GEMM run) x {} per "
        "hour x 8760 h x utilisation {:g}; {}",
        in.mw, *d.gemm_watts, f, format_number(*row.units), format_usd(d.hour_usd), *in.utilisation,
        d.hour_basis);
    row = with_cost(row, in);
    if (capex) row.payback_months = payback_months(*capex * *row.units, row.margin);
    lens.rental = lens.rows.size();
    lens.rows.push_back(row);
  } else {
    lens.notes.emplace_back(d.gemm_watts ? "renting: no utilisation in the market file"sv
                                         : "renting this device: no GEMM run with energy"sv);
  }
  if (!in.utilisation) return;
  for (const auto& t : d.tokens) {
    if (!t.usd_per_million_tokens) {
      lens.notes.push_back(
          fmt::format("serving {} {}: the market has no token price for it", t.model, t.phase));
      continue;
    }
    SiteRow row;
    row.use = SiteUse::tokens;
    row.name = fmt::format("serving {} tokens, {} (batch {})", t.model, t.phase, t.batch);
    row.energy = watts_kind(t.assumed);
    row.revenue = token_usd_per_year(in.mw, t.tokens_per_joule, f, *in.utilisation,
                                     *t.usd_per_million_tokens);
    row.how = fmt::format(
        "{:g} MW / (1 + {:g}) x {} tokens/J x 8760 h x 3600 s x utilisation {:g} x ${:g} per "
        "million tokens",
        in.mw, f, format_number(t.tokens_per_joule), *in.utilisation, *t.usd_per_million_tokens);
    lens.rows.push_back(with_cost(row, in));
  }
}

void add_references(SiteLens& lens, const results::Market& m, const SiteInputs& in) {
  for (const auto& r : m.references) {
    SiteReference ref{r.name, r.use,
                      fmt::format("{} / {:g} years / {:g} MW = {} per MW-year", amount(r.total_usd),
                                  r.years, r.mw, amount(r.usd_per_mw_year())),
                      r.usd_per_mw_year(), true};
    if (r.capex_usd)
      ref.how += fmt::format("; {}: {} / {:g} MW = {} per MW", r.capex_note, amount(*r.capex_usd),
                             r.mw, amount(*r.capex_usd / r.mw));
    lens.references.push_back(ref);
    if (r.kind != "colocation") continue;
    SiteRow row;
    row.use = SiteUse::colocation;
    row.name = "leasing as colocation (" + r.name + ")";
    row.energy = "none (a lease)";
    row.revenue = r.usd_per_mw_year() * in.mw;
    row.energy_passed_through = true;
    row.margin = row.revenue;
    row.how = fmt::format("{} per MW-year x {:g} MW; power passed through to the tenant (assumed)",
                          amount(r.usd_per_mw_year()), in.mw);
    lens.rows.push_back(row);
  }
  if (lens.best_asic) {
    const auto& a = m.asics[*lens.best_asic];
    const double per_mw = asic_mining_usd_per_year(1, a.j_per_th, in.usd_per_hash);
    lens.references.push_back(
        {fmt::format("a fleet of {}", a.model), "mining (gross, before energy)",
         fmt::format("1 MW / {:g} J/TH = {} PH/s x {} per PH/s-day x 365 = {} per MW-year",
                     a.j_per_th, format_number(1e6 / a.j_per_th / 1e3),
                     format_usd(in.usd_per_hash * 1e15 * 86400), amount(per_mw)),
         per_mw, false});
  }
}

std::string sentence_of(const SiteLens& lens, const SiteDevice& d, const results::Market& m) {
  const std::string site = lens.mw == 1 ? "A megawatt" : fmt::format("{:g} megawatts", lens.mw);
  const std::string of = d.cpu ? fmt::format("of these CPUs ({}, {} cores each)", d.name, d.cores)
                               : fmt::format("of these GPUs ({})", d.name);
  if (!lens.rental)
    return fmt::format("{} {}: not sized, no GEMM run with energy to count devices by.", site, of);
  const auto& r = lens.rows[*lens.rental];
  std::string s = fmt::format("{} {} earns {} a year rented by the {}{}", site, of,
                              amount(r.revenue), d.cpu ? "core-hour" : "hour",
                              d.cpu ? " at an assumed cloud vCPU price (not a market a site can "
                                      "sell a megawatt of CPUs into)"
                                    : "");
  if (lens.best_asic) {
    const auto& a = lens.rows[*lens.best_asic];
    s += fmt::format(", {} what {} earns {} ASICs", format_multiple(r.revenue / a.revenue),
                     lens.mw == 1 ? "the megawatt" : "the site",
                     "mining with " + m.asics[*lens.best_asic].model);
  }
  s += r.energy == "ASSUMED" ? " (device watts ASSUMED, not measured)."
                             : " (device watts measured).";
  return s;
}

}  // namespace

SiteLens build_site_lens(const SiteDevice& d, const results::Market& m, double mw) {
  SiteLens lens;
  lens.mw = mw;
  const SiteInputs in{mw,
                      usd_per_hash_of(m),
                      site_energy_cost_usd(mw, m.at("electricity_usd_per_kwh"), m.at("pue")),
                      m.at("pue"),
                      m.at("electricity_usd_per_kwh"),
                      m.find("host_overhead_fraction"),
                      m.find("utilisation")};
  lens.usd_per_hash = in.usd_per_hash;
  add_asics(lens, m, in);
  add_device_rows(lens, d, m, in);
  add_references(lens, m, in);
  if (lens.rental && lens.best_asic) {
    const auto& asic = m.asics[*lens.best_asic];
    const auto& rent = lens.rows[*lens.rental];
    std::array<std::array<double, 3>, 3> grid{};
    for (size_t h = 0; h < site_factors.size(); ++h) {
      for (size_t p = 0; p < site_factors.size(); ++p) {
        const double mining =
            asic_mining_usd_per_year(mw, asic.j_per_th, in.usd_per_hash * site_factors[h]);
        const double renting =
            rental_usd_per_year(*rent.units, d.hour_usd * site_factors[p], *in.utilisation);
        // Both draw the site's full power all year: the energy cost cancels out of the difference.
        grid[h][p] = (renting - in.energy_cost) - (mining - in.energy_cost);
      }
    }
    lens.sensitivity = grid;
  }
  lens.sentence = sentence_of(lens, d, m);
  return lens;
}

}  // namespace hashflop::report
