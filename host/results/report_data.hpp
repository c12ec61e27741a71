// report-data.json (schema hashflop/report-data/v1): what scripts/plot.py draws from, as
// `hashflop report` fills it in (report/report.cpp, plot_data) and results/report_data_json.cpp
// writes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "results/result.hpp"

namespace hashflop::results {

/// A run's power trace: (seconds, watts) points and its measured windows' [start, end].
struct PlotRun {
  std::string name;
  WorkloadKind workload{};
  std::vector<std::pair<double, double>> trace, windows;
  std::optional<double> avg_watts;
  bool assumed = false;
};

struct PlotGemm {
  std::string name, dtype;
  double flops_per_second = 0;
  std::optional<double> flops_per_joule;
  bool assumed = false;
};

struct PlotTokens {
  std::string model, phase, variant;
  int64_t batch = 0;
  std::optional<double> tokens_per_joule, usd_per_kwh, mining_tokens_per_joule;
  bool assumed = false;
};

/// One use of the site in the site lens: a year's revenue and margin for the site's megawatts.
struct PlotSiteRow {
  std::string use, name, energy;  ///< use: asic, device_mining, device_rental, tokens, colocation
  double revenue_usd_per_year = 0, margin_usd_per_year = 0;
};

/// A reference price of a megawatt-year (a deal, or a figure derived from the market).
struct PlotReference {
  std::string name;
  double usd_per_mw_year = 0;
  bool deal = true;
};

struct PlotDevice {
  std::string label, short_label;
  bool cpu = false, assumed = false;
  std::vector<PlotRun> runs;
  std::vector<PlotGemm> gemm;
  std::vector<PlotTokens> tokens;
  std::vector<PlotSiteRow> site;
  std::optional<double> j_per_th, hashes_per_joule, mining_usd_per_kwh, ai_usd_per_kwh,
      electricity_usd_per_kwh;
};

struct PlotAsic {
  std::string model;
  double j_per_th = 0;
};

struct ReportData {
  std::string market;
  double electricity_usd_per_kwh = 0, pue = 0;
  std::vector<PlotAsic> asics;
  std::vector<PlotDevice> devices;
  double site_mw = 1;
  std::vector<PlotReference> references;
};

/// report-data.json's text: one-space indent and a newline.
std::string report_data_text(const ReportData& data);

}  // namespace hashflop::results
