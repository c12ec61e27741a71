// The one verdict every check in hashflop ends in, after CUTLASS's profiler dispositions: a
// kernel's self-check, a GEMM product against fp64, a `verify` check, a measured run. Results
// files and `compare` spell it with to_string().
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hashflop {

enum class Verdict {
  passed,         ///< checked and right
  failed,         ///< the check could not complete: an error, a device fault
  incorrect,      ///< checked and wrong: a kernel bug
  not_verified,   ///< ran, but nothing checked it
  not_supported,  ///< this device or dtype cannot run it; the reason says why
  skipped,        ///< not run on purpose (filtered out, interrupted before it)
};

std::string_view to_string(Verdict verdict);
/// The verdict spelled `text`, or nullopt for anything else.
std::optional<Verdict> parse_verdict(std::string_view text);
/// failed or incorrect: what makes a command exit 1.
constexpr bool is_failure(Verdict v) {
  return v == Verdict::failed || v == Verdict::incorrect;
}

/// A verdict with the words that explain it.
struct Check {
  Verdict verdict = Verdict::not_verified;
  std::string detail;
};

}  // namespace hashflop
