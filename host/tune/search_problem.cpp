#include "tune/search_problem.hpp"

#include <fmt/format.h>

namespace hashflop::tune {

std::string_view target_class(uint32_t target_top) {
  return target_top == 0 ? "real" : "easy";
}

std::string cuda_sha256d_problem(std::string_view variant, uint32_t target_top) {
  const auto base = fmt::format("cuda nonce search target={}", target_class(target_top));
  return variant.empty() ? base : fmt::format("{} variant={}", base, variant);
}

}  // namespace hashflop::tune
