// Each CPU kernel called directly, without the threaded range splitter in front of it, so every
// count hits the kernel's own tail and pipeline edges: counts 1..40 and around its vector width,
// ranges ending exactly at 2^32, and candidates reported in increasing order. The reference is
// the portable sha256d::hash_word7 on one nonce at a time.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
#include "sha256d_job.hpp"

namespace hashflop::cpu {
namespace {

std::vector<uint32_t> run_kernel(const Sha256dVariant& v, const sha256d::Job& job, uint32_t first,
                                 uint64_t count) {
  std::vector<uint32_t> got;
  CandidateSink sink{
      [](void* c, uint32_t nonce) { static_cast<std::vector<uint32_t>*>(c)->push_back(nonce); },
      &got};
  v.search(job, first, count, sink);
  return got;
}

std::vector<uint32_t> reference(const sha256d::Job& job, uint32_t first, uint64_t count) {
  std::vector<uint32_t> hits;
  for (uint64_t i = 0; i < count; ++i) {
    const auto nonce = static_cast<uint32_t>(first + i);
    const uint32_t h7 = sha256d::hash_word7<uint32_t>(job, sha256::byte_swap(nonce));
    if (sha256::byte_swap(h7) <= job.target_top) hits.push_back(nonce);
  }
  return hits;
}

sha256d::Job random_job(std::mt19937_64& rng, uint32_t target_top) {
  unsigned char header[80];
  for (auto& b : header) b = static_cast<unsigned char>(rng());
  return sha256d::make_job(header, target_top);
}

class Sha256dKernel : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (const auto& v : sha256d_variants()) {
      if (v.name != GetParam()) continue;
      if (!v.supported(cpu_info().features)) {
        GTEST_SKIP() << "this CPU lacks " << v.requires_text;
      }
      variant_ = &v;
    }
    ASSERT_NE(variant_, nullptr);
  }
  const Sha256dVariant* variant_ = nullptr;
};

TEST_P(Sha256dKernel, EveryCountFromOneToFortyMatchesTheReference) {
  std::mt19937_64 rng(7);
  // Top word <= 0x3fffffff: a quarter of all nonces, so short ranges have hits in every lane.
  const auto job = random_job(rng, 0x3fffffffu);
  for (uint64_t count = 1; count <= 40; ++count) {
    const auto first = static_cast<uint32_t>(rng());
    EXPECT_EQ(run_kernel(*variant_, job, first, count), reference(job, first, count))
        << "count " << count << " from " << first;
  }
}

TEST_P(Sha256dKernel, LongerRangesOnRandomHeadersMatchTheReference) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 4; ++trial) {
    const auto job = random_job(rng, 0x00ffffffu);  // about 1 nonce in 256
    const uint64_t count = 4096 + static_cast<uint64_t>(rng() % 64);
    const auto first = static_cast<uint32_t>(rng());
    const auto expected = reference(job, first, count);
    EXPECT_GT(expected.size(), 4u);
    EXPECT_EQ(run_kernel(*variant_, job, first, count), expected) << "trial " << trial;
  }
}

TEST_P(Sha256dKernel, RangesEndingAtTheLastNonceDoNotWrap) {
  std::mt19937_64 rng(13);
  const auto job = random_job(rng, 0xffffffffu);  // every nonce is a candidate
  for (uint64_t count : {1u, 7u, 8u, 9u, 16u, 17u, 100u}) {
    const auto first = static_cast<uint32_t>((uint64_t{1} << 32) - count);
    const auto got = run_kernel(*variant_, job, first, count);
    ASSERT_EQ(got.size(), count);
    EXPECT_EQ(got.front(), first);
    EXPECT_EQ(got.back(), 0xffffffffu);
  }
}

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  for (const auto& v : sha256d_variants()) names.emplace_back(v.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllVariants, Sha256dKernel, ::testing::ValuesIn(variant_names()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;  // gtest names: [A-Za-z0-9_]
                           for (auto& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hashflop::cpu
