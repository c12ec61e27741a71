// The one place numbers become text with units: rates and work per joule with SI prefixes.
#pragma once

#include <string>
#include <string_view>

namespace hashflop {

/// "12.3 MH/s", "1.23 TFLOP/s": `rate` of `unit` ("hash", "flop", "token" or "byte") per second.
std::string format_rate(double rate, std::string_view unit);
/// "3.2 kH/J", "45.6 GFLOP/J".
std::string format_per_joule(double per_joule, std::string_view unit);

}  // namespace hashflop
