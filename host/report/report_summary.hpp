// What `hashflop report` prints on the console once the files are written: the network
// hashprice it checked, each device's $/kWh mining and doing AI, and the files.
#pragma once

#include <string>

#include "report/report.hpp"

namespace hashflop::report {

std::string format_summary(const ReportOutput& output);

}  // namespace hashflop::report
