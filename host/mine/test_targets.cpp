#include "mine/test_targets.hpp"

#include <cmath>
#include <string>

namespace hashflop {

bitcoin::Uint256 easy_test_target() {
  static const auto target =
      bitcoin::Uint256::parse_hex("00ffffff7fffffff" + std::string(48, 'f'), "easy test target");
  return target;
}

double expected_hits(const bitcoin::Uint256& target, uint64_t nonces) {
  // (target + 1) / 2^256, from the value as a long double: exact enough for a count.
  const long double p = (target.to_long_double() + 1.0L) / std::ldexp(1.0L, 256);
  return static_cast<double>(static_cast<long double>(nonces) * p);
}

}  // namespace hashflop
