// `hashflop report`: result files and a market file in, a Markdown and/or HTML value report out
// (with pictures when python3 and matplotlib are there), every file written atomically.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/document.hpp"
#include "report/market.hpp"
#include "report/valuation.hpp"
#include "results/report_data.hpp"

namespace hashflop::report {

struct ReportOptions {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path market;   ///< empty: default_market_path()
  std::vector<std::string> sets;  ///< key=value market overrides
  std::filesystem::path out_dir = "report";
  double site_mw = 1;  ///< the site lens's megawatts of IT power
  bool markdown = true, html = true, plots = true;
};

/// A picture the plot script made, as the report refers to it.
struct Plot {
  std::string png, svg, caption;
};

struct ReportOutput {
  std::vector<std::filesystem::path> written;
  std::vector<Plot> plots;
  std::string plot_note;  ///< why there are no pictures, or empty
  std::vector<Valuation> valuations;
  double hashprice_usd_per_ph_day = 0;
  std::string market_line;     ///< the market file, its name and date
  std::string market_warning;  ///< the file is more than 6 months older than a run, or empty
};

/// "market results/market/2026-03.json (2026-03, dated 2026-03-17)".
std::string market_line(const Market& market);
/// A warning when `market` is more than 6 months older than the newest run valued, else "".
std::string market_staleness(const Market& market, const std::vector<Valuation>& valuations);

/// Loads, values, plots and writes. Throws UsageError for unreadable inputs or a bad market.
ReportOutput write_report(const ReportOptions& options);

/// The report's content; `plots` are the pictures to show, `plot_note` why some are missing.
Document build_document(const Market& market, const std::vector<Valuation>& valuations,
                        const std::vector<Plot>& plots, const std::string& plot_note);

/// What scripts/plot.py draws from: traces, efficiencies, $/kWh and the ASICs.
results::ReportData plot_data(const Market& market, const std::vector<Valuation>& valuations,
                              const std::vector<results::Result>& results);

/// Runs scripts/plot.py on `data_file` into `out_dir`. Tries $HASHFLOP_PYTHON if set, else
/// python3 on PATH then /usr/bin/python3. Returns the plots made, or none and `note` says why.
std::vector<Plot> run_plot_script(const std::filesystem::path& data_file,
                                  const std::filesystem::path& out_dir, std::string& note);

}  // namespace hashflop::report
