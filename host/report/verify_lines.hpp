// The lines `hashflop verify` prints: a heading, one line per check as it finishes (so a slow
// check shows which one it is), and the summary.
#pragma once

#include <string>

#include "results/verify_record.hpp"

namespace hashflop::report {

/// "verify on cpu (AMD EPYC)".
std::string verify_heading(const results::VerifyRecord& record);
/// "PASS  name  detail", or FAIL.
std::string check_line(const results::CheckResult& check);
/// "PASS: 7 of 7 checks passed", or FAIL.
std::string verify_summary(const results::VerifyRecord& record);

}  // namespace hashflop::report
