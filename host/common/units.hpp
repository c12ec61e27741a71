// The one place numbers become text for people: rates and work per joule with SI prefixes, plain
// numbers with thousands separators, multiples in words, money, durations. The rule for each is
// here and nowhere else, so `run`, `gemm`, `compare` and `report` read alike.
#pragma once

#include <string>
#include <string_view>

namespace hashflop {

/// "12.3 MH/s", "1.23 TFLOP/s": `rate` of `unit` ("hash", "flop", "token" or "byte") per second.
std::string format_rate(double rate, std::string_view unit);
/// "3.2 kH/J", "45.6 GFLOP/J".
std::string format_per_joule(double per_joule, std::string_view unit);
/// "H/s" or "FLOP/s" for a work unit ("hash" or "flop"); other units get "/s" appended.
std::string rate_unit(std::string_view work_unit);
/// "H/J" or "FLOP/J", likewise.
std::string per_joule_unit(std::string_view work_unit);
/// "12.3 M" + unit: 3 significant digits and an SI prefix (k to E) for |v| >= 1000.
std::string format_si(double v, std::string_view unit);
/// 3 significant digits, never an exponent: "0.0123", "15.2", "266,000"; from a million on in
/// words: "2.1 million", "3.4 billion", "12 trillion".
std::string format_number(double v);
/// "2.1 million ×", "15.2 ×".
std::string format_multiple(double v);
/// Dollars: two decimals from $1 on ("$13.33", "$1,234.50"), else two significant digits
/// written out ("$0.19", "$0.0000064"); negative as "-$0.06".
std::string format_usd(double v);
/// Large sums, as a year's revenue: "$1.52 million", "-$3.40 billion" (3 significant digits)
/// from a million on, whole dollars grouped below ("$84,120"), format_usd under $1,000.
std::string format_usd_amount(double v);
/// "300,000,000": an exact count, every digit, thousands grouped.
std::string format_whole(unsigned long long count);
/// "4.29 G": a count with an SI prefix and 3 significant digits.
std::string format_count(double count);
/// "812 µs", "12.3 ms", "1.52 s": a measured time, 3 significant digits.
std::string format_seconds(double seconds);
/// "45 s", "2 min 05 s", "1 h 03 min": a duration a person reads at a glance.
std::string format_duration(double seconds);
/// "12.3%": a share of a whole, in percent, one decimal.
std::string format_percent(double percent);
/// "+12.3%", "-4.0%": a change against a reference, in percent, signed, one decimal.
std::string format_change(double percent);
/// "2.89e-07": a relative error or its tolerance, 3 significant digits in scientific notation
/// (these span many orders of magnitude, and are read against each other).
std::string format_relative_error(double v);

}  // namespace hashflop
