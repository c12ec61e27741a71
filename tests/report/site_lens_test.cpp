// The site lens: every figure of the table checked against a hand computation, with the formula
// written out, on the 2026-03 market file, a synthetic H100 results file at a measured 700 W,
// and the committed CPU results files (watts assumed there, and said so).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "report/report.hpp"
#include "report/site_lens.hpp"

namespace hashflop::report {
namespace {

namespace fs = std::filesystem;
const fs::path source = HASHFLOP_TEST_SOURCE_DIR;

// The 2026-03 market file's figures the hand computations use.
constexpr double hashprice = 39.53;  // USD per PH/s per day
constexpr double price = 0.04, pue = 1.5, overhead = 0.5, utilisation = 0.9;
constexpr double h100_hour = 2.35, core_hour = 0.05;
constexpr double year_s = 8760.0 * 3600;
// 1 MW for a year at the facility meter: 1000 kW x 8760 h x $0.04 x PUE 1.5.
constexpr double energy_cost = 1000 * 8760 * 0.04 * 1.5;  // $525,600

Market market() {
  return load_market(source / "results/market/2026-03.json");
}

Valuation value(const fs::path& file, const Market& m, double mw = 1) {
  return value_result(results::load_result(file), file.string(), m, mw);
}

const SiteRow& row(const SiteLens& lens, const std::string& name) {
  for (const auto& r : lens.rows)
    if (r.name == name) return r;
  throw std::runtime_error("no site lens row " + name);
}

// Relative: the figures run from dollars to tens of millions.
void expect_usd(double got, double want) {
  EXPECT_NEAR(got, want, 1e-9 * std::abs(want) + 1e-9) << "want " << want;
}

TEST(SiteLensFormulas, EachOneMatchesItsHandComputation) {
  expect_usd(site_energy_cost_usd(1, price, pue), 525600);
  expect_usd(site_energy_cost_usd(20, price, pue), 20 * 525600.0);
  // 1 MW / (700 W x 1.5) = 952.38 devices.
  EXPECT_NEAR(devices_per_site(1, 700, overhead), 1e6 / 1050, 1e-9);
  EXPECT_NEAR(asic_units_per_site(1, 5510), 181.48820326678766, 1e-9);
  const double per_hash = usd_per_hash_from_hashprice(hashprice);
  // An S23 Hyd MW: 1e6 W / 9.5 J/TH = 105,263 TH/s = 105.263 PH/s x $39.53 x 365 days.
  expect_usd(asic_mining_usd_per_year(1, 9.5, per_hash), 1e6 / 9.5 / 1e3 * 39.53 * 365);
  // A device at 5e7 H/J: (1e6 W / 1.5) x 5e7 H/J = 3.33e13 H/s = 0.0333 PH/s x $39.53 x 365.
  expect_usd(device_mining_usd_per_year(1, 5e7, overhead, per_hash),
             1e6 / 1.5 * 5e7 / 1e15 * 39.53 * 365);
  // 952.38 devices x $2.35 x 8760 h x 0.9.
  expect_usd(rental_usd_per_year(1e6 / 1050, h100_hour, utilisation),
             1e6 / 1050 * 2.35 * 8760 * 0.9);
  // (1e6 W / 1.5) x 20 tokens/J x 31,536,000 s x 0.9 x $0.18 per million.
  expect_usd(token_usd_per_year(1, 20, overhead, utilisation, 0.18),
             1e6 / 1.5 * 20 * year_s * 0.9 * 0.18 / 1e6);
  // $30,000 x 952.38 devices over a margin of $17.1 million a year, in months.
  ASSERT_TRUE(payback_months(30000 * 1e6 / 1050, 17.1e6));
  EXPECT_NEAR(*payback_months(30000 * 1e6 / 1050, 17.1e6), 30000 * 1e6 / 1050 / (17.1e6 / 12),
              1e-9);
  EXPECT_FALSE(payback_months(1000, -5));
}

TEST(SiteLens, SyntheticH100At700WattsIsEveryFigureByHand) {
  const auto v = value(source / "tests/report/fixtures/gpu_h100_700w.json", market());
  const SiteLens& s = v.site;
  EXPECT_DOUBLE_EQ(s.mw, 1);
  EXPECT_EQ(v.hour_usd, h100_hour);  // the H100's own price, not the default
  EXPECT_NE(v.hour_basis.find("H100"), std::string::npos) << v.hour_basis;

  // ASICs, at the maker's wall watts: revenue = MW / (J/TH) in PH/s x hashprice x 365.
  const auto& s23 = row(s, "mining with Antminer S23 Hyd");
  expect_usd(s23.revenue, 1e6 / 9.5 / 1e3 * hashprice * 365);  // $1.52 million
  expect_usd(s23.energy_cost, energy_cost);
  expect_usd(s23.margin, 1e6 / 9.5 / 1e3 * hashprice * 365 - energy_cost);
  EXPECT_NEAR(*s23.units, 1e6 / 5510, 1e-9);
  EXPECT_EQ(s23.energy, "maker spec");
  const auto& s23_3u = row(s, "mining with Antminer S23 Hyd 3U");
  expect_usd(s23_3u.revenue, 1e6 / 9.5 / 1e3 * hashprice * 365);
  EXPECT_NEAR(*s23_3u.units, 1e6 / 11020, 1e-9);
  const auto& xp = row(s, "mining with Antminer S21 XP Hyd");
  expect_usd(xp.revenue, 1e6 / 12.0 / 1e3 * hashprice * 365);
  EXPECT_NEAR(*xp.units, 1e6 / 5676, 1e-9);
  ASSERT_TRUE(s.best_asic);
  EXPECT_EQ(s.rows[*s.best_asic].name, "mining with Antminer S23 Hyd");

  // The device mines at 3.5e10 H/s / 700 W = 5e7 H/J; server watts = 700 x 1.5.
  const auto& mine = row(s, "mining with this device");
  EXPECT_NEAR(*mine.units, 1e6 / (700 * 1.5), 1e-9);
  expect_usd(mine.revenue, 1e6 / 1.5 * 5e7 / 1e15 * hashprice * 365);  // $481
  expect_usd(mine.margin, 1e6 / 1.5 * 5e7 / 1e15 * hashprice * 365 - energy_cost);
  EXPECT_EQ(mine.energy, "measured");

  // Rented: 952.38 GPUs (best GEMM at 700 W) x $2.35 x 8760 h x 0.9 = $17.6 million.
  const auto& rent = row(s, "renting this GPU by the hour");
  const double gpus = 1e6 / (700 * 1.5);
  EXPECT_NEAR(*rent.units, gpus, 1e-9);
  expect_usd(rent.revenue, gpus * h100_hour * 8760 * utilisation);
  expect_usd(rent.margin, gpus * h100_hour * 8760 * utilisation - energy_cost);
  EXPECT_EQ(rent.energy, "measured");
  EXPECT_FALSE(rent.payback_months);  // no capex in the file

  // Tokens, per model and phase at the best batch: prefill 14,000 tok/s / 700 W = 20 tok/J;
  // decode's best is batch 64, 7,000 / 700 = 10 tok/J. Llama 3.1 8B at $0.18 per million.
  const auto& prefill = row(s, "serving llama-3.1-8b tokens, prefill (batch 8)");
  expect_usd(prefill.revenue, 1e6 / 1.5 * 20 * year_s * utilisation * 0.18 / 1e6);
  const auto& decode = row(s, "serving llama-3.1-8b tokens, decode (batch 64)");
  expect_usd(decode.revenue, 1e6 / 1.5 * 10 * year_s * utilisation * 0.18 / 1e6);
  expect_usd(decode.margin, 1e6 / 1.5 * 10 * year_s * utilisation * 0.18 / 1e6 - energy_cost);
  EXPECT_EQ(decode.energy, "measured");

  // Colocation: $8.7 billion / 12 years / 500 MW = $1.45 million per MW-year; power passed
  // through, so the margin is the revenue.
  const auto& colo = row(s, "leasing as colocation (Core Scientific and CoreWeave)");
  expect_usd(colo.revenue, 8.7e9 / 12 / 500);
  expect_usd(colo.margin, 8.7e9 / 12 / 500);
  EXPECT_TRUE(colo.energy_passed_through);

  // References: IREN and Microsoft $9.7 billion / 5 years / 200 MW = $9.7 million per MW-year.
  ASSERT_EQ(s.references.size(), 3u);
  expect_usd(s.references[0].usd_per_mw_year, 9.7e9 / 5 / 200);
  EXPECT_NE(s.references[0].how.find("/ 5 years / 200 MW"), std::string::npos);
  expect_usd(s.references[1].usd_per_mw_year, 8.7e9 / 12 / 500);
  expect_usd(s.references[2].usd_per_mw_year, 1e6 / 9.5 / 1e3 * hashprice * 365);  // ~$1.5M
  EXPECT_FALSE(s.references[2].deal);

  // Sensitivity: (rent at price x q) - (S23 Hyd at hashprice x h), the energy cost cancelling.
  ASSERT_TRUE(s.sensitivity);
  for (size_t h = 0; h < 3; ++h) {
    for (size_t q = 0; q < 3; ++q) {
      expect_usd((*s.sensitivity)[h][q], gpus * h100_hour * site_factors[q] * 8760 * utilisation -
                                             1e6 / 9.5 / 1e3 * hashprice * site_factors[h] * 365);
    }
  }
  // The sentence: $17.6 million rented, 11.6 x the S23 Hyd's $1.52 million.
  EXPECT_NE(s.sentence.find("A megawatt of these GPUs (NVIDIA H100 80GB HBM3) earns $17.6 million "
                            "a year rented by the hour"),
            std::string::npos)
      << s.sentence;
  EXPECT_NE(s.sentence.find("11.6 × what the megawatt earns mining with Antminer S23 Hyd ASICs"),
            std::string::npos)
      << s.sentence;
  EXPECT_TRUE(s.notes.empty());
}

TEST(SiteLens, ScalesWithMegawattsAndGivesPaybackWhenCapexIsSet) {
  Market m = market();
  m.apply_override("gpu_capex_usd=30000");
  m.apply_override("asic_price.Antminer S23 Hyd=10000");
  const auto v = value(source / "tests/report/fixtures/gpu_h100_700w.json", m, 20);
  const auto& rent = row(v.site, "renting this GPU by the hour");
  const double gpus = 20e6 / (700 * 1.5);
  expect_usd(rent.revenue, gpus * h100_hour * 8760 * utilisation);
  expect_usd(rent.energy_cost, 20 * energy_cost);
  ASSERT_TRUE(rent.payback_months);
  // capex / (margin / 12) = 30,000 x 19,048 GPUs / (margin / 12).
  EXPECT_NEAR(*rent.payback_months,
              30000 * gpus / ((gpus * h100_hour * 8760 * utilisation - 20 * energy_cost) / 12),
              1e-9);
  const auto& s23 = row(v.site, "mining with Antminer S23 Hyd");
  const double asics = 20e6 / 5510;
  const double s23_margin = 20e6 / 9.5 / 1e3 * hashprice * 365 - 20 * energy_cost;
  ASSERT_TRUE(s23.payback_months);
  EXPECT_NEAR(*s23.payback_months, 10000 * asics / (s23_margin / 12), 1e-9);
  EXPECT_NE(v.site.sentence.find("20 megawatts"), std::string::npos) << v.site.sentence;
}

TEST(SiteLens, CommittedCpuFileIsRentedByTheCoreHourAndSaysItsWattsWereAssumed) {
  const auto v = value(source / "results/epyc-2core-cpu-20261126.json", market());
  ASSERT_TRUE(v.cpu && v.hashes_per_joule && v.best_gemm);
  // 2 cores x $0.05 per core-hour; the run's watts are an assumed 7.5 W.
  EXPECT_DOUBLE_EQ(v.hour_usd, 2 * core_hour);
  const double cpus = 1e6 / (7.5 * 1.5);
  const auto& rent = row(v.site, "renting this CPU by the core-hour");
  EXPECT_NEAR(*rent.units, cpus, 1e-6);
  expect_usd(rent.revenue, cpus * 2 * core_hour * 8760 * utilisation);
  EXPECT_EQ(rent.energy, "ASSUMED");
  const auto& mine = row(v.site, "mining with this device");
  expect_usd(mine.revenue, 1e6 / 1.5 * *v.hashes_per_joule / 1e15 * hashprice * 365);
  EXPECT_EQ(mine.energy, "ASSUMED");
  EXPECT_NE(v.site.sentence.find("A megawatt of these CPUs (AMD EPYC, 2 cores each)"),
            std::string::npos)
      << v.site.sentence;
  EXPECT_NE(v.site.sentence.find("assumed cloud vCPU price"), std::string::npos);
  EXPECT_NE(v.site.sentence.find("ASSUMED"), std::string::npos);
}

TEST(SiteLens, CommittedTransformerFileServesItsTokensAtTheBestBatchPerPhase) {
  const auto v = value(source / "results/epyc-2core-cpu-transformer-20261202.json", market());
  // Read from the file: prefill-1x2048 and decode-b256-ctx2048 have the most tokens/J.
  double prefill_tpj = 0, decode_tpj = 0;
  for (const auto& t : v.tokens) {
    auto& best = t.figure.phase == "prefill" ? prefill_tpj : decode_tpj;
    best = std::max(best, t.figure.tokens_per_joule.value_or(0));
  }
  EXPECT_NEAR(prefill_tpj, 2.324321412657786, 1e-12);
  EXPECT_NEAR(decode_tpj, 0.888306025779691, 1e-12);
  // (1e6 W / 1.5) x tokens/J x 31,536,000 s x 0.9 x $0.03 per million (Llama 3.2 1B).
  const auto& prefill = row(v.site, "serving llama-3.2-1b tokens, prefill (batch 1)");
  expect_usd(prefill.revenue, 1e6 / 1.5 * prefill_tpj * year_s * 0.9 * 0.03 / 1e6);
  EXPECT_EQ(prefill.energy, "ASSUMED");
  const auto& decode = row(v.site, "serving llama-3.2-1b tokens, decode (batch 256)");
  expect_usd(decode.revenue, 1e6 / 1.5 * decode_tpj * year_s * 0.9 * 0.03 / 1e6);
}

TEST(SiteLens, WithoutEnergyTheDeviceRowsAreLeftOutAndSaid) {
  const auto v = value(source / "tests/report/fixtures/energy_unavailable.json", market());
  for (const auto& r : v.site.rows) EXPECT_NE(r.use, SiteUse::device_rental) << r.name;
  EXPECT_FALSE(v.site.notes.empty());
  EXPECT_NE(v.site.sentence.find("not sized"), std::string::npos) << v.site.sentence;
  EXPECT_TRUE(v.site.best_asic);  // the ASIC rows need no measurement
}

}  // namespace
}  // namespace hashflop::report
