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
  // Nonce values stay as typed (they are copied into --start); counts are grouped.
  out += fmt::format("range      [{}, {}) = {} nonces\n", r.start, uint64_t{r.start} + r.count,
                     format_whole(r.count));
  out += fmt::format("target     {} (difficulty {})\n", record.target,
                     format_number(record.difficulty));
  for (const auto& f : r.found)
    out += fmt::format("found      nonce {:>10}  hash {}\n", f.nonce, f.hash_hex);
  if (r.found_count > r.found.size()) {
    out += fmt::format("found      {} more nonces meet the target (the lowest {} are listed)\n",
                       format_whole(r.found_count - r.found.size()), format_whole(r.found.size()));
  }
  if (r.found.empty()) out += "found      no nonce meets the target in this range\n";
  out += fmt::format("searched   {} nonce{} in {}: {}\n", format_whole(r.nonces_tried),
                     r.nonces_tried == 1 ? "" : "s", format_seconds(r.seconds),
                     format_rate(r.hashes_per_second(), "hash"));
  if (!r.rate_is_meaningful() && r.nonces_tried > 0) {
    out += fmt::format(
        "caveat     {} is mostly start-up, so this rate is not the kernel's: search at least "
        "{:g} s for one (a --count above {} at the rate seen here)\n",
        format_seconds(r.seconds), r.min_meaningful_seconds,
        format_whole(
            static_cast<unsigned long long>(r.hashes_per_second() * r.min_meaningful_seconds)));
  }
  if (r.mismatches != 0) {
    out += fmt::format("MISMATCH   {} candidates failed the scalar re-check: kernel bug\n",
                       format_whole(r.mismatches));
  }
  if (record.interrupted) {
    out += fmt::format("stopped    by Ctrl-C after {} of {} nonces\n", format_whole(r.nonces_tried),
                       format_whole(r.count));
  }
  return out;
}

}  // namespace hashflop::report
