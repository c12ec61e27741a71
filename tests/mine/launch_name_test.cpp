// The names a CUDA kernel and launch shape are kept under (wisdom file, results file): read back
// exactly, and anything else refused rather than half-read.
#include <tuple>

#include <gtest/gtest.h>

#include "mine/launch_name.hpp"

namespace {

using hashflop::cuda::geometry_name;
using hashflop::cuda::parse_geometry_name;

TEST(LaunchName, ReadsBackWhatItWrites) {
  EXPECT_EQ(geometry_name("cuda-imad-big5", 256, 64), "cuda-imad-big5/tpb256_npt64");
  for (const auto& [kernel, tpb, npt] :
       {std::tuple{"cuda", 128u, 16u}, std::tuple{"cuda-imad", 1024u, 4096u}}) {
    const auto name = parse_geometry_name(geometry_name(kernel, tpb, npt));
    ASSERT_TRUE(name) << kernel;
    EXPECT_EQ(name->kernel, kernel);
    EXPECT_EQ(name->threads_per_block, tpb);
    EXPECT_EQ(name->nonces_per_thread, npt);
  }
}

TEST(LaunchName, RefusesAnythingElse) {
  for (const char* text :
       {"", "cuda", "cuda/", "/tpb256_npt64", "cuda/tpb256", "cuda/tpb_npt64", "cuda/tpb0_npt64",
        "cuda/tpb256_npt0", "cuda/tpb256_npt64x", "cuda/tpb-1_npt64", "cuda/tpb256npt64",
        "cuda/tpb99999999999_npt64", "mc=96 kc=96 nc=96"}) {
    EXPECT_FALSE(parse_geometry_name(text)) << text;
  }
}

}  // namespace
