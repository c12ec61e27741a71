#include "bitcoin/header.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "mine/known_headers.hpp"

namespace hashflop::bitcoin {

TEST(BlockHeader, ReadsTheGenesisFields) {
  const auto h = BlockHeader::parse_hex(known_headers()[0].header_hex);
  EXPECT_EQ(h.version(), 1);
  EXPECT_EQ(h.prev_hash_hex(), std::string(64, '0'));
  EXPECT_EQ(h.merkle_root_hex(),
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  EXPECT_EQ(h.time(), 1231006505u);
  EXPECT_EQ(h.bits(), 0x1d00ffffu);
  EXPECT_EQ(h.nonce(), 2083236893u);
}

TEST(BlockHeader, HashesKnownBlocksInDisplayOrder) {
  for (const auto& k : known_headers()) {
    const auto h = BlockHeader::parse_hex(k.header_hex);
    EXPECT_EQ(h.hash_hex(), k.hash_hex) << k.name;
    EXPECT_EQ(h.nonce(), k.nonce) << k.name;
    EXPECT_TRUE(h.hash_value() <= Uint256::parse_hex(k.hash_hex, "hash")) << k.name;
  }
}

TEST(BlockHeader, Block125552PrevHashIsBlock125551) {
  const auto h = BlockHeader::parse_hex(known_headers()[1].header_hex);
  EXPECT_EQ(h.prev_hash_hex(), "00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81");
  EXPECT_EQ(h.bits(), 0x1a44b9f2u);
}

TEST(BlockHeader, WithNonceChangesOnlyTheLastFourBytes) {
  const auto h = BlockHeader::parse_hex(known_headers()[0].header_hex);
  const auto other = h.with_nonce(0x01020304);
  EXPECT_EQ(other.nonce(), 0x01020304u);
  EXPECT_TRUE(std::equal(h.bytes().begin(), h.bytes().begin() + 76, other.bytes().begin()));
  EXPECT_EQ(other.hex().substr(152), "04030201");
}

TEST(BlockHeader, RejectsWrongLengthsWithTheByteCount) {
  const std::string good(known_headers()[0].header_hex);
  try {
    BlockHeader::parse_hex(good.substr(0, 158));
    FAIL() << "79 bytes accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("79 bytes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(BlockHeader::parse_hex(good + "00"), UsageError);
  EXPECT_THROW(BlockHeader::parse_hex(good.substr(1)), UsageError);
  EXPECT_THROW(BlockHeader::parse_hex(""), UsageError);
}

TEST(BlockHeader, RejectsNonHexCharacters) {
  std::string bad(known_headers()[0].header_hex);
  bad[10] = 'x';
  EXPECT_THROW(BlockHeader::parse_hex(bad), UsageError);
}

}  // namespace hashflop::bitcoin
