// The one-line account of how a variant was chosen, and its per-kernel summary of a GPU
// autotune's tens of kernel-and-geometry trials.
#include <gtest/gtest.h>

#include "results/selection_text.hpp"

namespace {

using namespace hashflop::results;

CandidateRate timed(const char* name, double rate) {
  return {name, rate, hashflop::Verdict::not_verified, ""};
}

TEST(SelectionText, FastestPerGroupKeepsEachKernelsBestTrialInOrder) {
  Selection s;
  s.chosen_by = ChosenBy::measured;
  s.choice = "cuda-imad/tpb256_npt64";
  s.candidates = {timed("cuda/tpb128_npt16", 5.0e9),
                  timed("cuda/tpb256_npt64", 6.0e9),
                  timed("cuda-imad/tpb128_npt16", 6.1e9),
                  timed("cuda/tpb512_npt256", 5.5e9),
                  timed("cuda-imad/tpb256_npt64", 6.4e9),
                  {"cuda-imad-big5/tpb256_npt64", std::nullopt, hashflop::Verdict::failed, "x"}};
  const auto f = fastest_per_group(s);
  EXPECT_EQ(f.choice, s.choice);
  ASSERT_EQ(f.candidates.size(), 3u);
  EXPECT_EQ(f.candidates[0].name, "cuda/tpb256_npt64");
  EXPECT_EQ(f.candidates[1].name, "cuda-imad/tpb256_npt64");
  // A group with no timed trial keeps its untimed one, so the summary says why.
  EXPECT_EQ(f.candidates[2].name, "cuda-imad-big5/tpb256_npt64");
  // The one line (mine's settings, the report's device section) names each kernel once.
  const auto line = describe_selection(s);
  EXPECT_NE(line.find("cuda/tpb256_npt64 6 GH/s"), std::string::npos) << line;
  EXPECT_NE(line.find("cuda-imad-big5/tpb256_npt64 failed"), std::string::npos) << line;
  EXPECT_EQ(line.find("tpb128_npt16"), std::string::npos) << line;
}

TEST(SelectionText, CpuVariantNamesAreEachTheirOwnGroup) {
  Selection s;
  s.candidates = {timed("avx2", 1e7), timed("avx512", 2e7), timed("shani", 3e7)};
  EXPECT_EQ(fastest_per_group(s).candidates.size(), 3u);
}

}  // namespace
