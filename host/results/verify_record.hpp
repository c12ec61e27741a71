// What `hashflop verify` checked on one device: each self-test check with its verdict. Its
// JSON is verify_json.cpp; its lines are report/verify_lines.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/verdict.hpp"

namespace hashflop::results {

struct CheckResult {
  std::string name;
  Verdict verdict = Verdict::not_verified;
  std::string detail;
  bool passed() const { return verdict == Verdict::passed; }
};

struct VerifyRecord {
  std::string device, device_name;  ///< id ("cpu", "cuda:N") and model name
  std::vector<CheckResult> checks;
  /// Checks that did not pass.
  std::size_t failed() const;
};

/// One JSON object, `hashflop verify --json`'s output, ending in a newline.
std::string format_json(const VerifyRecord& record);

}  // namespace hashflop::results
