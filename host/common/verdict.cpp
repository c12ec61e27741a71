#include "common/verdict.hpp"

#include <array>
#include <utility>

namespace hashflop {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 6> verdict_names{{
    {Verdict::passed, "passed"},
    {Verdict::failed, "failed"},
    {Verdict::incorrect, "incorrect"},
    {Verdict::not_verified, "not_verified"},
    {Verdict::not_supported, "not_supported"},
    {Verdict::skipped, "skipped"},
}};

}  // namespace

std::string_view to_string(Verdict verdict) {
  for (const auto& [v, name] : verdict_names) {
    if (v == verdict) return name;
  }
  return "not_verified";
}

std::optional<Verdict> parse_verdict(std::string_view text) {
  for (const auto& [v, name] : verdict_names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace hashflop
