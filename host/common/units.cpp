#include "common/units.hpp"

#include <cmath>

#include <fmt/format.h>

namespace hashflop {
namespace {

constexpr const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E", nullptr};

std::string scaled(double v, std::string_view unit) {
  int i = 0;
  while (std::abs(v) >= 1000 && prefixes[i + 1] != nullptr) {
    v /= 1000;
    ++i;
  }
  return fmt::format("{:.3g} {}{}", v, prefixes[i], unit);
}

}  // namespace

std::string format_rate(double rate, std::string_view unit) {
  return scaled(rate, unit == "hash"    ? "H/s"
                      : unit == "token" ? "tok/s"
                      : unit == "byte"  ? "B/s"
                                        : "FLOP/s");
}

std::string format_per_joule(double per_joule, std::string_view unit) {
  return scaled(per_joule, unit == "hash"    ? "H/J"
                           : unit == "token" ? "tok/J"
                           : unit == "byte"  ? "B/J"
                                             : "FLOP/J");
}

}  // namespace hashflop
