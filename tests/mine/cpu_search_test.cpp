#include "mine/cpu_search.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "bitcoin/target.hpp"
#include "common/error.hpp"
#include "mine/known_headers.hpp"

namespace hashflop::cpu {
namespace {

// Each test runs once per CPU variant; variants the machine cannot run are skipped by name.
class CpuVariant : public ::testing::TestWithParam<std::string> {
 protected:
  const Sha256dVariant& variant() {
    for (const auto& v : sha256d_variants()) {
      if (v.name == GetParam()) {
        if (!v.supported(cpu_info().features)) {
          skip_reason_ = "this CPU lacks " + std::string(v.requires_text);
        }
        return v;
      }
    }
    throw std::logic_error("unknown variant");
  }
  std::string skip_reason_;
};

std::vector<std::string> all_variant_names() {
  std::vector<std::string> names;
  for (const auto& v : sha256d_variants()) names.emplace_back(v.name);
  return names;
}

std::vector<uint32_t> reference_hits(const MineRequest& req) {
  std::vector<uint32_t> hits;
  for (uint64_t i = 0; i < req.count; ++i) {
    const auto nonce = static_cast<uint32_t>(req.start + i);
    if (bitcoin::meets_target(req.header.with_nonce(nonce).hash_value(), req.target)) {
      hits.push_back(nonce);
    }
  }
  return hits;
}

std::vector<uint32_t> nonces_of(const MineResult& r) {
  std::vector<uint32_t> n;
  for (const auto& f : r.found) n.push_back(f.nonce);
  return n;
}

}  // namespace

#define SKIP_IF_UNSUPPORTED(v) \
  const auto& v = variant();   \
  if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_

TEST_P(CpuVariant, FindsTheRealNonceOfEachKnownBlock) {
  SKIP_IF_UNSUPPORTED(v);
  for (const auto& k : known_headers()) {
    MineRequest req(bitcoin::BlockHeader::parse_hex(k.header_hex));
    req.start = k.nonce - 70'001;
    req.count = 150'001;
    req.target = bitcoin::target_from_bits(req.header.bits());
    const auto r = search_range(req, v);
    ASSERT_EQ(r.found.size(), 1u) << k.name;
    EXPECT_EQ(r.found[0].nonce, k.nonce) << k.name;
    EXPECT_EQ(r.found[0].hash_hex, k.hash_hex) << k.name;
    EXPECT_EQ(r.nonces_tried, req.count);
    EXPECT_EQ(r.mismatches, 0u);
  }
}

TEST_P(CpuVariant, FindsExactlyTheReferenceSetUnderAnEasyTarget) {
  SKIP_IF_UNSUPPORTED(v);
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 3; ++trial) {
    std::array<unsigned char, 80> bytes{};
    for (auto& b : bytes) b = static_cast<unsigned char>(rng());
    MineRequest req{bitcoin::BlockHeader(bytes)};
    req.start = static_cast<uint32_t>(rng() % 1'000'000'000);
    req.count = 40'000 + static_cast<uint64_t>(trial) * 13 + 5;  // not a multiple of any width
    req.target = bitcoin::target_from_bits(0x1f7fffff);          // top word 0x007fffff: ~1 in 512
    req.threads = 2;
    const auto r = search_range(req, v);
    const auto expected = reference_hits(req);
    EXPECT_GT(expected.size(), 20u);
    EXPECT_EQ(nonces_of(r), expected);
    EXPECT_EQ(r.nonces_tried, req.count);
    EXPECT_EQ(r.mismatches, 0u);
  }
}

TEST_P(CpuVariant, SearchesARangeEndingAtTheLastNonceWithoutWrapping) {
  SKIP_IF_UNSUPPORTED(v);
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.count = 1'003;
  req.start = static_cast<uint32_t>(nonce_space - req.count);
  req.target = bitcoin::Uint256::parse_hex(std::string(64, 'f'), "t");  // every nonce meets it
  req.max_listed = req.count;
  const auto r = search_range(req, v);
  ASSERT_EQ(r.found.size(), req.count);
  EXPECT_EQ(r.found.front().nonce, req.start);
  EXPECT_EQ(r.found.back().nonce, 0xffffffffu);
  EXPECT_EQ(r.nonces_tried, req.count);
}

TEST_P(CpuVariant, SearchesTinyRangesExactly) {
  SKIP_IF_UNSUPPORTED(v);
  for (uint64_t count : {1u, 2u, 3u, 15u, 17u, 33u}) {
    MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[1].header_hex));
    req.start = 1000;
    req.count = count;
    req.target = bitcoin::Uint256::parse_hex(std::string(64, 'f'), "t");
    const auto r = search_range(req, v);
    EXPECT_EQ(r.found.size(), count);
    EXPECT_EQ(r.nonces_tried, count);
  }
}

// An easy target used to keep every hit: 2 million nonces gave 1 million hits and +280 MB.
TEST_P(CpuVariant, AnEasyTargetListsTheLowestHitsAndCountsTheRest) {
  SKIP_IF_UNSUPPORTED(v);
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.start = 5'000;
  req.count = 200'003;
  req.target = bitcoin::target_from_bits(0x207fffff);  // about every other nonce
  const auto r = search_range(req, v);
  EXPECT_EQ(r.found.size(), req.max_listed);
  EXPECT_GT(r.found_count, 90'000u);
  EXPECT_LT(r.found_count, 110'000u);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_TRUE(std::is_sorted(r.found.begin(), r.found.end(),
                             [](const auto& a, const auto& b) { return a.nonce < b.nonce; }));
  // The listed ones are the lowest: the reference's first hits.
  uint64_t expected_first = req.start;
  while (!bitcoin::meets_target(
      req.header.with_nonce(static_cast<uint32_t>(expected_first)).hash_value(), req.target))
    ++expected_first;
  EXPECT_EQ(r.found.front().nonce, expected_first);
}

INSTANTIATE_TEST_SUITE_P(AllVariants, CpuVariant, ::testing::ValuesIn(all_variant_names()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;  // gtest names: [A-Za-z0-9_]
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(CpuSearch, RejectsAnEmptyRangeAndARangePastTheLastNonce) {
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.target = bitcoin::difficulty1_target();
  req.count = 0;
  EXPECT_THROW(search_range(req, sha256d_variants()[0]), UsageError);
  req.start = 0xffffffffu;
  req.count = 2;
  EXPECT_THROW(search_range(req, sha256d_variants()[0]), UsageError);
}

TEST(CpuSearch, StopsEarlyWhenCancelledAndCountsOnlyWhatItSearched) {
  std::atomic<bool> cancel{true};
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.target = bitcoin::difficulty1_target();
  req.count = nonce_space;
  req.cancel = &cancel;
  const auto r = search_range(req, sha256d_variants()[0]);
  EXPECT_EQ(r.nonces_tried, 0u);
}

TEST(CpuVariants, BestIsSupportedAndUnknownNamesAreRejected) {
  const auto& features = cpu_info().features;
  EXPECT_TRUE(best_sha256d_variant(features).supported(features));
  EXPECT_THROW(sha256d_variant("nope", features), UsageError);
}

}  // namespace hashflop::cpu
