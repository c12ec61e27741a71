// The `verify` self-test: known answers and cross-checks that take a few seconds on any device.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "common/verdict.hpp"
#include "results/verify_record.hpp"

namespace hashflop {

/// A check's name, verdict and detail: the record `verify` prints (results/verify_record.hpp).
using results::CheckResult;

/// Runs every check on `backend`, calling `on_result` as each one finishes.
std::vector<CheckResult> run_self_test(Backend& backend,
                                       const std::function<void(const CheckResult&)>& on_result);

}  // namespace hashflop
