// The `verify` self-test: known answers and cross-checks that take a few seconds on any device.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "common/verdict.hpp"

namespace hashflop {

struct CheckResult {
  std::string name;
  Verdict verdict = Verdict::not_verified;
  std::string detail;
  bool passed() const { return verdict == Verdict::passed; }
};

/// Runs every check on `backend`, calling `on_result` as each one finishes.
std::vector<CheckResult> run_self_test(Backend& backend,
                                       const std::function<void(const CheckResult&)>& on_result);

}  // namespace hashflop
