#include "bitcoin/target.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace hashflop::bitcoin {

TEST(Target, DecodesDifficultyOneBits) {
  EXPECT_EQ(target_from_bits(0x1d00ffff).hex(),
            "00000000ffff0000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(target_from_bits(0x1d00ffff), difficulty1_target());
}

TEST(Target, DecodesBlock125552Bits) {
  // Bitcoin wiki "Difficulty": 0x1b0404cb -> 0x0404cb * 2^(8*(0x1b - 3)).
  EXPECT_EQ(target_from_bits(0x1b0404cb).hex(),
            "00000000000404cb000000000000000000000000000000000000000000000000");
}

TEST(Target, DecodesRegtestBits) {
  EXPECT_EQ(target_from_bits(0x207fffff).hex(),
            "7fffff0000000000000000000000000000000000000000000000000000000000");
}

TEST(Target, HandlesSmallSizesByShiftingTheMantissaRight) {
  EXPECT_EQ(target_from_bits(0x01123456), Uint256::from_u64(0x12));
  EXPECT_EQ(target_from_bits(0x02123456), Uint256::from_u64(0x1234));
  EXPECT_EQ(target_from_bits(0x03123456), Uint256::from_u64(0x123456));
  EXPECT_EQ(target_from_bits(0x04123456), Uint256::from_u64(0x12345600));
}

TEST(Target, RejectsTheSignBit) {
  EXPECT_THROW(target_from_bits(0x04923456), UsageError);
  EXPECT_THROW(target_from_bits(0x1d80ffff), UsageError);
}

TEST(Target, RejectsOverflow) {
  EXPECT_THROW(target_from_bits(0xff123456), UsageError);
  EXPECT_THROW(target_from_bits(0x23000100), UsageError);  // size 35
  EXPECT_THROW(target_from_bits(0x22000100), UsageError);  // mantissa > 0xff at size 34
  EXPECT_NO_THROW(target_from_bits(0x22000001));           // fits exactly
  EXPECT_THROW(target_from_bits(0x21010000), UsageError);  // mantissa > 0xffff at size 33
}

TEST(Target, RejectsAZeroMantissa) {
  EXPECT_THROW(target_from_bits(0x1d000000), UsageError);
  EXPECT_THROW(target_from_bits(0x01003456), UsageError);  // shifted out to zero
  // Bitcoin Core treats a zero mantissa with the sign bit as zero, not negative.
  EXPECT_THROW(target_from_bits(0x04800000), UsageError);
}

TEST(Target, ConvertsBetweenDifficultyAndTarget) {
  EXPECT_DOUBLE_EQ(static_cast<double>(difficulty_from_target(difficulty1_target())), 1.0);
  // 0xffff * 2^208 / (0x0404cb * 2^192), the Bitcoin wiki's "Difficulty" example.
  EXPECT_NEAR(static_cast<double>(difficulty_from_target(target_from_bits(0x1b0404cb))),
              16307.420938523983, 1e-9);
  // Block 125552's difficulty, as block explorers show it.
  EXPECT_NEAR(static_cast<double>(difficulty_from_target(target_from_bits(0x1a44b9f2))),
              244112.48777433276, 1e-8);
  EXPECT_EQ(target_from_difficulty(1), difficulty1_target());
  EXPECT_EQ(target_from_difficulty(256), difficulty1_target().shifted_right(8));
  const auto t = target_from_difficulty(244112.48777433276L);
  EXPECT_NEAR(static_cast<double>(difficulty_from_target(t)), 244112.48777433276, 1e-6);
}

TEST(Target, RejectsImpossibleDifficulties) {
  EXPECT_THROW(target_from_difficulty(0), UsageError);
  EXPECT_THROW(target_from_difficulty(-1), UsageError);
  EXPECT_THROW(target_from_difficulty(1e-20L), UsageError);  // target above 2^256
  EXPECT_THROW(target_from_difficulty(1e80L), UsageError);   // target rounds to zero
}

// Extremes of long double used to reach frexp with an infinity (undefined) and printed "inf".
TEST(Target, ExtremeDifficultiesSayWhatIsWrongInFiniteWords) {
  const auto message = [](long double d) {
    try {
      (void)target_from_difficulty(d);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(1e-4930L).find("above 2^256"), std::string::npos) << message(1e-4930L);
  EXPECT_NE(message(1e4932L).find("target of zero"), std::string::npos) << message(1e4932L);
  EXPECT_EQ(message(1e4932L).find("inf"), std::string::npos) << message(1e4932L);
  EXPECT_NE(message(std::numeric_limits<long double>::infinity()).find("positive number"),
            std::string::npos);
}

TEST(Target, ComparesHashesAsLittleEndianNumbers) {
  const auto target = target_from_bits(0x1d00ffff);
  EXPECT_TRUE(meets_target(target, target));
  EXPECT_FALSE(meets_target(target.shifted_left(1), target));
  EXPECT_TRUE(meets_target(Uint256::from_u64(1), target));
}

TEST(Uint256, ParsesAndPrintsDisplayOrderHex) {
  const auto v = Uint256::parse_hex("0x1234", "t");
  EXPECT_EQ(v, Uint256::from_u64(0x1234));
  EXPECT_EQ(v.hex().substr(60), "1234");
  EXPECT_THROW(Uint256::parse_hex(std::string(65, 'f'), "t"), UsageError);
  EXPECT_THROW(Uint256::parse_hex("", "t"), UsageError);
  EXPECT_EQ(Uint256::parse_hex(std::string(64, 'f'), "t").bit_length(), 256);
}

}  // namespace hashflop::bitcoin
