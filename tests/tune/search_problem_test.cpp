// The CUDA search's wisdom problem names its target class, so a choice autotuned under an easy
// target (bound by storing hits) is never reused for a real one.
#include "tune/search_problem.hpp"

#include <gtest/gtest.h>

#include "bitcoin/target.hpp"
#include "mine/test_targets.hpp"

namespace hashflop::tune {
namespace {

TEST(SearchProblem, RealAndEasyTargetsAreDifferentProblems) {
  const uint32_t genesis = bitcoin::target_from_bits(0x1d00ffff).top_word();
  const uint32_t easy = easy_test_target().top_word();
  EXPECT_EQ(target_class(genesis), "real");
  EXPECT_EQ(target_class(easy), "easy");
  EXPECT_EQ(cuda_sha256d_problem("", genesis), "cuda nonce search target=real");
  EXPECT_EQ(cuda_sha256d_problem("cuda-imad", easy),
            "cuda nonce search target=easy variant=cuda-imad");
  EXPECT_NE(cuda_sha256d_problem("", genesis), cuda_sha256d_problem("", easy));
}

}  // namespace
}  // namespace hashflop::tune
