// Option checks every command shares. CLI11's Range lets NaN through (every comparison with
// NaN is false), so a number option that must be finite says so first.
#pragma once

#include <cmath>
#include <string>

#include <CLI/CLI.hpp>

namespace hashflop::cli {

/// Rejects nan, inf and anything that is not a number.
inline const CLI::Validator finite_number(
    [](std::string& text) -> std::string {
      try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v)) return {};
      } catch (const std::exception&) {
      }
      return "'" + text + "' is not a finite number";
    },
    "FINITE", "finite");

}  // namespace hashflop::cli
