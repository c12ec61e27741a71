#include "report/verify_lines.hpp"

#include <fmt/format.h>

namespace hashflop::report {

std::string verify_heading(const results::VerifyRecord& record) {
  return fmt::format("verify on {} ({})\n", record.device, record.device_name);
}

std::string check_line(const results::CheckResult& check) {
  return fmt::format("{}  {:<40} {}\n", check.passed() ? "PASS" : "FAIL", check.name, check.detail);
}

std::string verify_summary(const results::VerifyRecord& record) {
  const std::size_t failed = record.failed();
  return fmt::format("{}: {} of {} checks passed\n", failed == 0 ? "PASS" : "FAIL",
                     record.checks.size() - failed, record.checks.size());
}

}  // namespace hashflop::report
