#include "common/hex.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace hashflop {

TEST(Hex, RoundTripsBytesInBothOrders) {
  const auto bytes = parse_hex("00ff10Ab", "x");
  ASSERT_EQ(bytes.size(), 4u);
  EXPECT_EQ(to_hex(bytes), "00ff10ab");
  EXPECT_EQ(to_hex_reversed(bytes), "ab10ff00");
}

TEST(Hex, RejectsOddLengthAndNonHexCharacters) {
  EXPECT_THROW(parse_hex("abc", "x"), UsageError);
  EXPECT_THROW(parse_hex("zz", "x"), UsageError);
  EXPECT_THROW(parse_hex("0g", "x"), UsageError);
}

TEST(Hex, ParsesUnsignedDecimalAndHexAndRejectsJunk) {
  EXPECT_EQ(parse_unsigned("4294967295", "n"), 4294967295u);
  EXPECT_EQ(parse_unsigned("0x10", "n"), 16u);
  EXPECT_THROW(parse_unsigned("", "n"), UsageError);
  EXPECT_THROW(parse_unsigned("-1", "n"), UsageError);
  EXPECT_THROW(parse_unsigned("12a", "n"), UsageError);
  EXPECT_THROW(parse_unsigned("99999999999999999999999", "n"), UsageError);
}

}  // namespace hashflop
