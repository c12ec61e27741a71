// The per-header precomputation must give exactly what a plain sha256d of the header gives.
#include "sha256d_job.hpp"

#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "bitcoin/header.hpp"
#include "mine/known_headers.hpp"

namespace hashflop {
namespace {

std::array<unsigned char, 80> random_header(std::mt19937_64& rng) {
  std::array<unsigned char, 80> h{};
  for (auto& b : h) b = static_cast<unsigned char>(rng());
  return h;
}

uint32_t digest_word(const Digest& d, int i) {
  return sha256::load_be32(d.data() + 4 * i);
}

}  // namespace

TEST(Sha256dJob, MidstateIsTheCompressionOfTheFirst64Bytes) {
  std::mt19937_64 rng(7);
  const auto h = random_header(rng);
  const auto job = sha256d::make_job(h.data(), 0);
  uint32_t state[8], w[16];
  for (int i = 0; i < 8; ++i) state[i] = sha256::initial_state(i);
  for (int i = 0; i < 16; ++i) w[i] = sha256::load_be32(h.data() + 4 * i);
  sha256::compress(state, w);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(job.midstate[i], state[i]);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(job.tail[i], sha256::load_be32(h.data() + 64 + 4 * i));
}

TEST(Sha256dJob, FirstHashEqualsPlainSha256OfTheHeader) {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 200; ++trial) {
    const auto bytes = random_header(rng);
    const auto nonce = static_cast<uint32_t>(rng());
    const auto header = bitcoin::BlockHeader(bytes).with_nonce(nonce);
    const auto job = sha256d::make_job(header.bytes().data(), 0);
    uint32_t first[8];
    sha256d::first_hash_block2<uint32_t>(job, sha256::byte_swap(nonce), first);
    const auto expected = sha256_of(header.bytes());
    for (int i = 0; i < 8; ++i) ASSERT_EQ(first[i], digest_word(expected, i)) << "word " << i;
  }
}

TEST(Sha256dJob, HashWord7EqualsTheLastWordOfPlainSha256d) {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 1000; ++trial) {
    const auto bytes = random_header(rng);
    const auto nonce = static_cast<uint32_t>(rng());
    const auto header = bitcoin::BlockHeader(bytes).with_nonce(nonce);
    const auto job = sha256d::make_job(header.bytes().data(), 0);
    const uint32_t h7 = sha256d::hash_word7<uint32_t>(job, sha256::byte_swap(nonce));
    ASSERT_EQ(h7, digest_word(header.hash(), 7)) << "trial " << trial;
  }
}

TEST(Sha256dJob, KnownBlocksHashToZeroTopWords) {
  for (const auto& k : known_headers()) {
    const auto header = bitcoin::BlockHeader::parse_hex(k.header_hex);
    const auto job = sha256d::make_job(header.bytes().data(), 0);
    EXPECT_EQ(sha256d::hash_word7<uint32_t>(job, sha256::byte_swap(k.nonce)), 0u) << k.name;
  }
}

TEST(Sha256dJob, TheNonceDoesNotAffectThePrecomputation) {
  std::mt19937_64 rng(10);
  const auto bytes = random_header(rng);
  const auto a = sha256d::make_job(bitcoin::BlockHeader(bytes).with_nonce(1).bytes().data(), 5);
  const auto b = sha256d::make_job(bitcoin::BlockHeader(bytes).with_nonce(2).bytes().data(), 5);
  EXPECT_EQ(0, std::memcmp(&a, &b, sizeof a));
}

}  // namespace hashflop
