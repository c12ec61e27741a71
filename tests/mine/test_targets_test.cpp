// The guard on the easy test target: it must give what its comment and every check that uses it
// count on, about one candidate per 256 nonces. A copy with two digits missing once gave one per
// 65,536, and the GPU comparison and `verify`'s reference check compared near-empty sets.
#include <array>
#include <random>

#include <gtest/gtest.h>

#include "bitcoin/header.hpp"
#include "bitcoin/target.hpp"
#include "mine/test_targets.hpp"

namespace {

using hashflop::easy_target_hit_rate;
using hashflop::easy_test_target;
using hashflop::expected_hits;

TEST(EasyTestTarget, PromisesAboutOneNonceIn256) {
  const double per_nonce = expected_hits(easy_test_target(), 1u << 20) / (1u << 20);
  EXPECT_NEAR(per_nonce, easy_target_hit_rate, easy_target_hit_rate * 0.01);
  EXPECT_NEAR(easy_target_hit_rate, 1.0 / 256, 1.0 / 256 * 0.01);
  // What the guard exists for: the old 62-digit string, padded on the left, is 256 times harder.
  const auto short_copy = hashflop::bitcoin::Uint256::parse_hex(
      "00ffffff7fffffffffffffffffffffffffffffffffffffffffffffffffffff", "target");
  EXPECT_LT(expected_hits(short_copy, 1u << 20),
            0.01 * expected_hits(easy_test_target(), 1u << 20));
}

TEST(EasyTestTarget, TheReferenceSearchFindsWhatItPromises) {
  std::mt19937_64 rng(30);
  constexpr uint32_t nonces = 65'536;
  const double expected = expected_hits(easy_test_target(), nonces);
  ASSERT_GT(expected, 200.0);
  for (int trial = 0; trial < 3; ++trial) {
    std::array<unsigned char, 80> bytes{};
    for (auto& b : bytes) b = static_cast<unsigned char>(rng());
    const hashflop::bitcoin::BlockHeader header(bytes);
    const auto start = static_cast<uint32_t>(rng() % 4'000'000'000u);
    int hits = 0;
    for (uint32_t i = 0; i < nonces; ++i) {
      hits += hashflop::bitcoin::meets_target(header.with_nonce(start + i).hash_value(),
                                              easy_test_target())
                  ? 1
                  : 0;
    }
    // Poisson: a standard deviation of 16 around 256; 30% either way is over 4.5 of them.
    EXPECT_GT(hits, 0.7 * expected) << "header " << trial;
    EXPECT_LT(hits, 1.3 * expected) << "header " << trial;
  }
}

}  // namespace
