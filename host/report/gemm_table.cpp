#include "report/gemm_table.hpp"

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {
namespace {

std::string row(const gemm::GemmRunResult& r) {
  if (r.verification == Verdict::not_supported) {
    return fmt::format("{:<15} {:<7} {:<5} not_supported: {}\n", r.variant, r.impl, r.dtype,
                       r.reason);
  }
  const std::string errors = fmt::format("{:>9} {:>9}", format_relative_error(r.rel_error),
                                         format_relative_error(r.tolerance));
  if (r.samples.empty()) {
    return fmt::format("{:<15} {:<7} {:<5} {:>12} {:>14}  {}  {} (stopped before timing)\n",
                       r.variant, r.impl, r.dtype, "-", "-", errors, to_string(r.verification));
  }
  return fmt::format("{:<15} {:<7} {:<5} {:>12} {:>14}  {}  {}{}{}\n", r.variant, r.impl, r.dtype,
                     format_seconds(r.seconds), format_rate(r.flops_per_second, "flop"), errors,
                     to_string(r.verification), r.interrupted ? " (interrupted)" : "",
                     r.reason.empty() ? std::string() : ": " + r.reason);
}

}  // namespace

std::string format_gemm_table(const results::GemmRecord& record) {
  std::string out = fmt::format(
      "gemm {} on {}, alpha {} beta {}, {} repetitions (per product: median; rate: all "
      "FLOPs over all time)\n",
      record.shape.str(), record.device, record.alpha, record.beta, record.repetitions);
  out += fmt::format("{:<15} {:<7} {:<5} {:>12} {:>14}  {:>9} {:>9}  {}\n", "variant", "impl",
                     "dtype", "per product", "rate", "rel_error", "tolerance", "verification");
  for (const auto& r : record.rows) out += row(r.run);
  if (record.interrupted) {
    out += fmt::format("stopped by Ctrl-C after {} of {} variants\n", record.rows.size(),
                       record.planned);
  }
  return out;
}

}  // namespace hashflop::report
