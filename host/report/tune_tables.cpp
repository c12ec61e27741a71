#include "report/tune_tables.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {
namespace {

// Against the reference's rate, where it was measured.
std::string versus(const results::CandidateRate& c, double reference_rate) {
  return c.rate && reference_rate > 0 ? format_change((*c.rate / reference_rate - 1) * 100) : "-";
}

std::string gemm_table(const results::GemmTuning& g, unsigned threads) {
  const auto& s = g.selection;
  std::string out =
      fmt::format("\ngemm {} fp32 {} ({} threads): block sizes calibrated in {}\n", g.variant,
                  g.shape.str(), threads, format_seconds(s.calibration_seconds.value_or(0)));
  // The first candidate is the cache-size formula's.
  double default_rate = 0;
  if (!s.candidates.empty() && s.candidates.front().rate) default_rate = *s.candidates.front().rate;
  out += fmt::format("{:<26} {:>14} {:>11}  {}\n", "blocking", "rate", "vs default", "check");
  for (std::size_t i = 0; i < s.candidates.size(); ++i) {
    const auto& c = s.candidates[i];
    std::string mark;
    if (c.name == s.choice) mark += "  <- chosen";
    if (i == 0) mark += "  (cache-size default)";
    out += fmt::format("{:<26} {:>14} {:>11}  {}{}\n", c.name,
                       c.rate ? format_rate(*c.rate, "flop") : "-", versus(c, default_rate),
                       to_string(c.verification), mark);
  }
  out += fmt::format("chosen: {}: {}\n", s.choice, s.reason);
  return out;
}

// One row per candidate; "vs default" is against what runs use uncalibrated, where it was one
// of the candidates.
std::string sha256d_table(const results::TuneRecord& t) {
  const auto& s = t.sha256d;
  std::string out =
      fmt::format("sha256d on {} {}{}: calibrated in {}\n", t.device, t.device_name,
                  t.threads ? fmt::format(" ({} threads)", *t.threads) : std::string(),
                  format_seconds(s.calibration_seconds.value_or(0)));
  double default_rate = 0;
  std::size_t width = 14;
  for (const auto& c : s.candidates) {
    if (c.name == t.uncalibrated && c.rate) default_rate = *c.rate;
    width = std::max(width, c.name.size());
  }
  out += fmt::format("{:<{}} {:>12} {:>11}  {}\n", "variant", width, "rate", "vs default", "check");
  for (const auto& c : s.candidates) {
    std::string mark;
    if (c.name == s.choice) mark += "  <- chosen";
    if (c.name == t.uncalibrated) mark += "  (default before calibration)";
    out += fmt::format("{:<{}} {:>12} {:>11}  {}{}\n", c.name, width,
                       c.rate ? format_rate(*c.rate, "hash") : "-", versus(c, default_rate),
                       to_string(c.verification), mark);
  }
  out += fmt::format("chosen: {}: {}\n", s.choice, s.reason);
  if (default_rate == 0) out += fmt::format("default before calibration: {}\n", t.uncalibrated);
  return out;
}

}  // namespace

std::string format_tune_text(const results::TuneRecord& record) {
  std::string out = sha256d_table(record);
  for (const auto& g : record.gemm) out += gemm_table(g, record.threads.value_or(0));
  if (record.gemm_not_applicable) {
    out += fmt::format(
        "gemm: nothing to calibrate on {}: its tiled kernels have fixed tiles and cuBLAS picks "
        "its own\n",
        record.device);
  }
  if (!record.wisdom_file.empty()) out += fmt::format("wisdom: {}\n", record.wisdom_file);
  if (record.wisdom_wanted && record.wisdom_file.empty())
    out += "wisdom: not saved (the warning above says why)\n";
  return out;
}

}  // namespace hashflop::report
