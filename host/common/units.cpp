#include "common/units.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace hashflop {
namespace {

constexpr const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E", nullptr};

// "1234567" -> "1,234,567" (digits only). Built forwards: GCC 12 warns (-Wrestrict, wrongly)
// on std::string::insert here.
std::string grouped(const std::string& digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// 3 (or `digits`) significant digits in fixed notation, thousands grouped.
std::string fixed_significant(double v, int digits) {
  if (v == 0) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(v))));
  const int decimals = std::max(0, digits - 1 - magnitude);
  std::string text = fmt::format("{:.{}f}", std::abs(v), decimals);
  const auto dot = text.find('.');
  std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot);
  // As %g does: "1.5", not "1.50"; "81", not "81.0".
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  if (frac == ".") frac.clear();
  return fmt::format("{}{}{}", v < 0 ? "-" : "", grouped(whole), frac);
}

// 3 significant digits, never an exponent: 999.7 is "1 k", not "1e+03".
std::string scaled(double v, std::string_view unit) {
  if (!std::isfinite(v)) return fmt::format("? {}", unit);
  int i = 0;
  while (std::abs(v) >= 999.5 && prefixes[i + 1] != nullptr) {
    v /= 1000;
    ++i;
  }
  return fmt::format("{} {}{}", fixed_significant(v, 3), prefixes[i], unit);
}

}  // namespace

std::string rate_unit(std::string_view work_unit) {
  if (work_unit == "hash") return "H/s";
  if (work_unit == "flop") return "FLOP/s";
  if (work_unit == "token") return "tok/s";
  if (work_unit == "byte") return "B/s";
  return std::string(work_unit) + "/s";
}

std::string per_joule_unit(std::string_view work_unit) {
  if (work_unit == "hash") return "H/J";
  if (work_unit == "flop") return "FLOP/J";
  if (work_unit == "token") return "tok/J";
  if (work_unit == "byte") return "B/J";
  return std::string(work_unit) + "/J";
}

std::string format_si(double v, std::string_view unit) {
  return scaled(v, unit);
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return "?";
  const double a = std::abs(v);
  static constexpr std::pair<double, const char*> words[] = {
      {1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}};
  if (a >= 1e15) return fmt::format("{:.2g}", v);
  for (const auto& [scale, word] : words) {
    if (a >= scale) return fmt::format("{} {}", fixed_significant(v / scale, 2), word);
  }
  return fixed_significant(v, 3);
}

std::string format_whole(unsigned long long count) {
  return grouped(std::to_string(count));
}

std::string format_multiple(double v) {
  return format_number(v) + " ×";
}

std::string format_usd(double v) {
  if (!std::isfinite(v)) return "?";
  const std::string sign = v < 0 ? "-" : "";
  const double a = std::abs(v);
  if (a >= 1) {
    const std::string text = fmt::format("{:.2f}", a);
    const auto dot = text.find('.');
    return sign + "$" + grouped(text.substr(0, dot)) + text.substr(dot);
  }
  return sign + "$" + fixed_significant(a, 2);
}

std::string format_usd_amount(double v) {
  if (!std::isfinite(v)) return "?";
  const std::string sign = v < 0 ? "-" : "";
  const double a = std::abs(v);
  static constexpr std::pair<double, const char*> words[] = {
      {1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}};
  if (a >= 1e15) return sign + fmt::format("${:.3g}", a);
  for (const auto& [scale, word] : words) {
    if (a >= scale) return fmt::format("{}${} {}", sign, fixed_significant(a / scale, 3), word);
  }
  if (a >= 1000) return fmt::format("{}${}", sign, grouped(fmt::format("{:.0f}", a)));
  return format_usd(v);
}

std::string format_rate(double rate, std::string_view unit) {
  return scaled(rate, rate_unit(unit));
}

std::string format_per_joule(double per_joule, std::string_view unit) {
  return scaled(per_joule, per_joule_unit(unit));
}

std::string format_count(double count) {
  std::string s = scaled(count, "");
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string format_seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds >= 60) return format_duration(seconds);
  if (seconds >= 1) return fmt::format("{:.3g} s", seconds);
  if (seconds >= 1e-3) return fmt::format("{:.3g} ms", seconds * 1e3);
  if (seconds >= 1e-6) return fmt::format("{:.3g} µs", seconds * 1e6);
  return fmt::format("{:.3g} ns", seconds * 1e9);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return fmt::format("{:.1f} s", seconds);
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

std::string format_percent(double percent) {
  return fmt::format("{:.1f}%", percent);
}

std::string format_change(double percent) {
  return fmt::format("{:+.1f}%", percent);
}

std::string format_relative_error(double v) {
  return fmt::format("{:.2e}", v);
}

}  // namespace hashflop
