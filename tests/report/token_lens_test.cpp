// The token lens, worked by hand on a made-up result: tokens/J x 3.6e6 x the market's price per
// token, the multiple over mining, the bound from the ceilings in the same file, and the report
// and plot data that carry them.
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "report/report.hpp"
#include "report/token_figures.hpp"
#include "results/result.hpp"

namespace hashflop::report {
namespace {

namespace fs = std::filesystem;
const fs::path source = HASHFLOP_TEST_SOURCE_DIR;

results::Run run_of(WorkloadKind workload, std::string variant, std::string unit, double rate,
                    std::optional<double> per_joule) {
  results::Run r;
  r.workload = workload;
  r.variant = std::move(variant);
  r.work_unit = std::move(unit);
  r.device = "cpu";
  r.rate = rate;
  r.seconds = 1;
  r.work = rate;
  r.samples.push_back({rate, 1, rate, std::nullopt, std::nullopt, std::nullopt});
  r.verification = Verdict::passed;
  if (per_joule) {
    results::Energy e;
    e.method = "rapl";
    e.joules = rate / *per_joule;
    e.avg_watts = e.joules;
    r.energy = e;
    r.per_joule = per_joule;
  }
  return r;
}

results::Result made_up() {
  results::Result r;
  r.devices.emplace_back();
  r.devices[0].id = "cpu";
  r.devices[0].name = "Test CPU";
  r.host.hostname = "testhost";
  r.host.logical_cores = 2;
  r.runs.push_back(run_of(WorkloadKind::sha256d, "shani", "hash", 4e7, 4e6));
  r.runs.push_back(run_of(WorkloadKind::transformer, "memcopy", "byte", 1e10, std::nullopt));
  auto d = run_of(WorkloadKind::transformer, "decode-b8-ctx2048", "token", 4.0, 0.5);
  d.params = {{"model", "llama-3.1-8b"},
              {"phase", "decode"},
              {"batch", 8},
              {"context", 2048},
              {"tokens_per_sequence", 1},
              {"flops_per_token", 1.6e10},
              {"bytes_per_token", 4e9},
              {"settings", hashflop::Record{{"peak_product_flops_per_second", 1e11}}}};
  r.runs.push_back(d);
  return r;
}

TEST(TokenLens, DecodeBytesAreHeldAgainstTheCopyInTheSameFile) {
  const auto figures = token_figures(made_up());
  ASSERT_EQ(figures.size(), 1u);
  const auto& f = figures[0];
  EXPECT_DOUBLE_EQ(f.bytes_per_second, 4 * 4e9);
  EXPECT_DOUBLE_EQ(*f.memory_fraction, 1.6);  // 16 GB/s of traffic against a 10 GB/s copy
  EXPECT_DOUBLE_EQ(*f.compute_fraction, 4 * 1.6e10 / 1e11);
  // 4 FLOP per byte is under the ridge of 1e11 / 1e10 = 10 FLOP per byte.
  EXPECT_EQ(f.bound, "memory");
  EXPECT_DOUBLE_EQ(*f.joules_per_token, 2.0);
}

TEST(TokenLens, RevenueIsTokensPerJouleTimesKwhTimesPricePerToken) {
  const auto m = load_market(source / "results/market/2025-11.json");
  const auto v = value_result(made_up(), "made-up.json", m);
  ASSERT_EQ(v.tokens.size(), 1u);
  const auto& t = v.tokens[0];
  const double price = m.token_prices.at("llama-3.1-8b").value;
  EXPECT_DOUBLE_EQ(*t.usd_per_million_tokens, price);
  EXPECT_DOUBLE_EQ(*t.usd_per_kwh, 0.5 * 3.6e6 * price / 1e6);
  ASSERT_TRUE(v.mining_usd_per_kwh.has_value());
  EXPECT_DOUBLE_EQ(*t.value_multiple, *t.usd_per_kwh / *v.mining_usd_per_kwh);
  EXPECT_DOUBLE_EQ(*t.mining_tokens_per_joule, *v.mining_usd_per_kwh / (3.6e6 * price / 1e6));
  EXPECT_EQ(v.best_tokens, size_t{0});
  EXPECT_DOUBLE_EQ(*v.token_memory_ratio, 1.6);
}

TEST(TokenLens, EveryModelPresetHasADatedPriceWithASource) {
  const auto m = load_market(source / "results/market/2025-11.json");
  for (const char* model : {"llama-3.2-1b", "llama-3.1-8b", "llama-3.1-70b"}) {
    ASSERT_TRUE(m.token_prices.contains(model)) << model;
    EXPECT_FALSE(m.token_prices.at(model).date.empty());
    EXPECT_FALSE(m.token_prices.at(model).source.empty());
  }
}

TEST(TokenLens, AnUnpricedModelGetsNoMoneyFigureAndAFlag) {
  auto r = made_up();
  r.runs.back().params.set("model", "unpriced-model");
  const auto v =
      value_result(r, "made-up.json", load_market(source / "results/market/2025-11.json"));
  ASSERT_EQ(v.tokens.size(), 1u);
  EXPECT_FALSE(v.tokens[0].usd_per_kwh.has_value());
  bool flagged = false;
  for (const auto& f : v.flags) flagged = flagged || f.find("unpriced-model") != std::string::npos;
  EXPECT_TRUE(flagged);
}

TEST(TokenLens, TheDocumentAndThePlotDataCarryTheLens) {
  const auto m = load_market(source / "results/market/2025-11.json");
  const auto r = made_up();
  const std::vector<Valuation> vals{value_result(r, "made-up.json", m)};
  const auto md = render_markdown(build_document(m, vals, {}, ""));
  EXPECT_NE(md.find("Token lens"), std::string::npos);
  EXPECT_NE(md.find("token_price.llama-3.1-8b"), std::string::npos);
  EXPECT_NE(md.find("tokens / mining"), std::string::npos);
  const auto data = plot_data(m, vals, {r});
  const auto& tokens = data.devices.at(0).tokens;
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens.at(0).batch, 8);
  ASSERT_TRUE(tokens.at(0).tokens_per_joule.has_value());
  EXPECT_DOUBLE_EQ(*tokens.at(0).tokens_per_joule, 0.5);
}

TEST(TokenLens, ATokenPriceCanBeOverriddenButNotInvented) {
  auto m = load_market(source / "results/market/2025-11.json");
  m.apply_override("token_price.llama-3.1-8b=0.5");
  EXPECT_DOUBLE_EQ(m.token_prices.at("llama-3.1-8b").value, 0.5);
  EXPECT_TRUE(m.token_prices.at("llama-3.1-8b").overridden);
  EXPECT_THROW(m.apply_override("token_price.nope=1"), UsageError);
}

TEST(TokenLens, EachDeviceIsHeldAgainstItsOwnCeilings) {
  auto r = made_up();  // the CPU's copy: 10 GB/s
  auto gpu_copy = run_of(WorkloadKind::transformer, "memcopy", "byte", 3e12, std::nullopt);
  gpu_copy.device = "cuda:0";
  r.runs.push_back(gpu_copy);
  auto gpu = r.runs.at(2);
  gpu.device = "cuda:0";
  r.runs.push_back(gpu);
  const auto figures = token_figures(r);
  ASSERT_EQ(figures.size(), 2u);
  EXPECT_DOUBLE_EQ(*figures[0].memory_fraction, 4 * 4e9 / 1e10);  // cpu against the CPU's copy
  EXPECT_DOUBLE_EQ(*figures[1].memory_fraction, 4 * 4e9 / 3e12);  // cuda:0 against its own
  EXPECT_EQ(*token_ceilings(r, "cuda:0").bytes_per_second, 3e12);
  EXPECT_FALSE(token_ceilings(r, "cuda:1").bytes_per_second.has_value());
}

// A model too large for its device, as a GPU run of llama-3.1-70b in bf16 on one 80 GB GPU
// would write it (transformer_workload.cpp: model_fit and model_fit_note).
results::Result made_up_unfit() {
  auto r = made_up();
  auto& d = r.runs.back();
  d.device = "cuda:0";
  d.params.set("model", "llama-3.1-70b");
  d.params.set("model_weight_bytes", uint64_t{136'902'082'560});
  d.params.set("device_memory_bytes", uint64_t{85'000'000'000});
  d.params.set("model_fit", "weights_do_not_fit");
  d.params.set("model_fit_note",
               "llama-3.1-70b's weights (136.9 GB) do not fit cuda:0's 85.0 GB: its per-token "
               "rates scale one layer to a model this device cannot hold");
  return r;
}

TEST(TokenLens, AModelThatDoesNotFitItsDeviceSaysSoInTheFileTheTableAndTheReport) {
  // Through the results file and back.
  const auto r = results::result_from_json_text(results::to_json_text(made_up_unfit()));
  const auto figures = token_figures(r);
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_NE(figures[0].fit_note.find("do not fit cuda:0"), std::string::npos);
  EXPECT_TRUE(token_figures(made_up())[0].fit_note.empty());
  // The console's token table (run and transformer print it): the row is marked and the note
  // follows the table.
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  print_token_table(out, r);
  std::rewind(out);
  std::string printed;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) printed += static_cast<char>(c);
  std::fclose(out);
  EXPECT_NE(printed.find("decode-b8-ctx2048 !"), std::string::npos) << printed;
  EXPECT_NE(printed.find("! decode-b8-ctx2048: does not fit: llama-3.1-70b's weights (136.9 GB)"),
            std::string::npos)
      << printed;
  // The report: a flag, and the row in the token lens marked, with the note beside the table.
  const auto m = load_market(source / "results/market/2025-11.json");
  const std::vector<Valuation> vals{value_result(r, "unfit.json", m)};
  bool flagged = false;
  for (const auto& f : vals[0].flags)
    flagged = flagged || f.find("do not fit") != std::string::npos;
  EXPECT_TRUE(flagged);
  const auto md = render_markdown(build_document(m, vals, {}, ""));
  EXPECT_NE(md.find("decode-b8-ctx2048 (model does not fit)"), std::string::npos) << md;
  EXPECT_NE(md.find("decode-b8-ctx2048 does not fit: llama-3.1-70b's weights"), std::string::npos)
      << md;
}

}  // namespace
}  // namespace hashflop::report
