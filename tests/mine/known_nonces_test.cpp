// The known-nonce check every search is verified with, at the default 4096 nonces and at the
// size of a timed GPU launch, and that it fails a search that misses a nonce.
#include "mine/known_nonces.hpp"

#include <gtest/gtest.h>

#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_headers.hpp"

namespace hashflop {
namespace {

MineResult scalar(const MineRequest& r) {
  return cpu::search_range(r, cpu::sha256d_variants().front());
}

TEST(KnownNonces, ARangeOfAnySizeAroundEachNonceIsSearchedWhole) {
  for (const uint64_t count : {uint64_t{4096}, uint64_t{1} << 17, uint64_t{12345}}) {
    uint64_t tried = 0;
    const auto check = verify_known_nonces(
        [&](const MineRequest& r) {
          EXPECT_EQ(r.count, count);
          tried += r.count;
          return scalar(r);
        },
        "scalar", count);
    EXPECT_EQ(check.verdict, Verdict::passed) << count << ": " << check.detail;
    EXPECT_EQ(tried, count * known_headers().size());
  }
}

TEST(KnownNonces, ASearchThatSkipsTheNonceFails) {
  const auto check = verify_known_nonces(
      [](MineRequest r) {
        r.count /= 4;  // misses the nonce in the middle, and tries fewer than asked
        return scalar(r);
      },
      "scalar");
  EXPECT_EQ(check.verdict, Verdict::incorrect);
}

}  // namespace
}  // namespace hashflop
