// Option checks every command shares, each with one message a person can act on. CLI11's own
// Range lets NaN through (every comparison with NaN is false), says "not in range" for text
// that is no number at all, and prints DBL_MAX in full as the bound of PositiveNumber.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace hashflop::cli {

namespace detail {

/// The finite number `text` spells, in full (no trailing junk), or nullopt.
inline std::optional<double> parse_finite(const std::string& text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace detail

/// Rejects nan, inf and anything that is not a number.
inline const CLI::Validator finite_number(
    [](std::string& text) -> std::string {
      return detail::parse_finite(text) ? std::string() : "'" + text + "' is not a number";
    },
    "NUMBER", "finite");

/// A finite number in [lo, hi].
inline CLI::Validator number_between(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        const auto v = detail::parse_finite(text);
        if (!v) return "'" + text + "' is not a number";
        if (*v < lo || *v > hi) return fmt::format("{} is out of range {:g} to {:g}", text, lo, hi);
        return {};
      },
      fmt::format("NUMBER in [{:g}, {:g}]", lo, hi), "number_between");
}

/// A finite number above 0.
inline const CLI::Validator positive_number(
    [](std::string& text) -> std::string {
      const auto v = detail::parse_finite(text);
      if (!v) return "'" + text + "' is not a number";
      if (*v <= 0) return "must be above 0, got " + text;
      return {};
    },
    "NUMBER > 0", "positive");

/// A whole number in [lo, hi] (digits only: no sign, no fraction, no exponent).
inline CLI::Validator whole_between(int64_t lo, int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 18 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) return "'" + text + "' is not a whole number";
        const int64_t v = std::stoll(text);
        if (v < lo || v > hi) return fmt::format("{} is out of range {} to {}", text, lo, hi);
        return {};
      },
      fmt::format("INT in [{}, {}]", lo, hi), "whole_between");
}

/// A whole number above 0, of at most 18 digits (a size whose upper bound another check owns,
/// such as the memory a GEMM needs).
inline const CLI::Validator positive_whole(
    [](std::string& text) -> std::string {
      const bool digits = !text.empty() && text.size() <= 18 &&
                          text.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || text.find_first_not_of('0') == std::string::npos)
        return "'" + text + "' is not a positive whole number";
      return {};
    },
    "INT > 0", "positive_whole");

}  // namespace hashflop::cli
