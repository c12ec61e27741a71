#include "report/mine_text.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {

std::string format_mine_text(const results::MineRecord& record) {
  const auto& r = record.result;
  std::string out =
      fmt::format("device     {} ({}), variant {}\n", r.device, record.device_name, r.variant);
  for (const auto& [k, v] : r.settings) out += fmt::format("           {} {}\n", k, v);
  out += fmt::format("range      [{}, {}) = {} nonces\n", r.start, uint64_t{r.start} + r.count,
                     r.count);
  out += fmt::format("target     {} (difficulty {})\n", record.target,
                     format_number(record.difficulty));
  for (const auto& f : r.found)
    out += fmt::format("found      nonce {:>10}  hash {}\n", f.nonce, f.hash_hex);
  if (r.found_count > r.found.size()) {
    out += fmt::format("found      {} more nonces meet the target (the lowest {} are listed)\n",
                       r.found_count - r.found.size(), r.found.size());
  }
  if (r.found.empty()) out += "found      no nonce meets the target in this range\n";
  out += fmt::format("searched   {} nonces in {}: {}\n", r.nonces_tried, format_seconds(r.seconds),
                     format_rate(r.hashes_per_second(), "hash"));
  if (r.mismatches != 0) {
    out += fmt::format("MISMATCH   {} candidates failed the scalar re-check: kernel bug\n",
                       r.mismatches);
  }
  if (record.interrupted) {
    out += fmt::format("stopped    by Ctrl-C after {} of {} nonces\n", r.nonces_tried, r.count);
  }
  return out;
}

}  // namespace hashflop::report
