// The cuBLAS loader (cuda/cublas_loader.hpp): a binary that does not link cuBLAS finds it at run
// time or says why not, and HASHFLOP_CUBLAS_LIBRARY points it elsewhere. Loading needs no GPU.
#include <cstdlib>
#include <string>

#include <cublas_v2.h>
#include <gtest/gtest.h>

#include "cuda/cublas_loader.hpp"

namespace hashflop::cuda {
namespace {

TEST(CublasLoader, LoadsCublasOrSaysWhy) {
  if (const auto reason = cublas_unavailable_reason()) {
    EXPECT_NE(reason->find("libcublas.so."), std::string::npos) << *reason;
    EXPECT_TRUE(cublas_library_path().empty());
  } else {
    EXPECT_NE(cublas_library_path().find("libcublas.so."), std::string::npos)
        << cublas_library_path();
  }
}

// The threadsafe style re-runs this binary for the child, so cuBLAS is loaded there for the
// first time, under the variable, whatever the other tests loaded.
TEST(CublasLoaderDeathTest, AMissingLibraryIsAReasonAndEveryCallFailsCleanly) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("HASHFLOP_CUBLAS_LIBRARY", "/nonexistent/libcublas.so.13", 1);
        const auto reason = cublas_unavailable_reason();
        cublasHandle_t handle = nullptr;
        const bool ok =
            reason && reason->find("/nonexistent/libcublas.so.13") != std::string::npos &&
            cublas_library_path().empty() &&
            cublasCreate(&handle) == CUBLAS_STATUS_NOT_INITIALIZED &&
            // The strided-batched calls the transformer's attention uses forward too.
            cublasGemmStridedBatchedEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, nullptr, nullptr,
                                       CUDA_R_16BF, 1, 1, nullptr, CUDA_R_16BF, 1, 1, nullptr,
                                       nullptr, CUDA_R_32F, 1, 1, 1, CUBLAS_COMPUTE_32F,
                                       CUBLAS_GEMM_DEFAULT) == CUBLAS_STATUS_NOT_INITIALIZED &&
            cublasSgemmStridedBatched(handle, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, nullptr, nullptr,
                                      1, 1, nullptr, 1, 1, nullptr, nullptr, 1, 1,
                                      1) == CUBLAS_STATUS_NOT_INITIALIZED &&
            std::string(cublasGetStatusString(CUBLAS_STATUS_SUCCESS)) == "cuBLAS not loaded";
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace hashflop::cuda
