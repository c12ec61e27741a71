#include "sha256/sha256.hpp"

#include <openssl/sha.h>

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "common/hex.hpp"

namespace hashflop {
namespace {

std::string hex_of(std::string_view text) {
  return to_hex(
      sha256_of(std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size())));
}

}  // namespace

TEST(Sha256, MatchesTheFips180Examples) {
  // FIPS 180-4 examples (NIST "SHA256.pdf", "SHA2_Additional.pdf").
  EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MatchesOpenSslOnAThousandRandomMessages) {
  std::mt19937_64 rng(1234);
  std::uniform_int_distribution<size_t> length(0, 1000);
  for (int i = 0; i < 1000; ++i) {
    std::vector<unsigned char> msg(length(rng));
    for (auto& b : msg) b = static_cast<unsigned char>(rng());
    unsigned char expected[SHA256_DIGEST_LENGTH];
    SHA256(msg.data(), msg.size(), expected);
    const auto got = sha256_of(msg);
    ASSERT_TRUE(std::equal(got.begin(), got.end(), expected)) << "length " << msg.size();
  }
}

TEST(Sha256, CoversEveryPaddingBoundary) {
  // Lengths 55, 56 and 64 decide whether the length field spills into an extra block.
  for (size_t len = 0; len <= 130; ++len) {
    std::vector<unsigned char> msg(len, static_cast<unsigned char>(len));
    unsigned char expected[SHA256_DIGEST_LENGTH];
    SHA256(msg.data(), msg.size(), expected);
    const auto got = sha256_of(msg);
    ASSERT_TRUE(std::equal(got.begin(), got.end(), expected)) << "length " << len;
  }
}

TEST(Sha256d, IsSha256Twice) {
  const std::vector<unsigned char> msg{'h', 'a', 's', 'h'};
  unsigned char once[SHA256_DIGEST_LENGTH], twice[SHA256_DIGEST_LENGTH];
  SHA256(msg.data(), msg.size(), once);
  SHA256(once, sizeof once, twice);
  const auto got = sha256d_of(msg);
  EXPECT_TRUE(std::equal(got.begin(), got.end(), twice));
}

}  // namespace hashflop
