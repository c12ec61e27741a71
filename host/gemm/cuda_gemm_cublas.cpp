// The cuBLAS executor. cuBLAS is column-major: row-major C = A B is column-major C^T = B^T A^T,
// so B goes first and m, n swap; every leading dimension stays the row length. A strided batch
// of sets (the attention products: one per sequence and KV head) is one strided-batched call.
#include <climits>

#include <fmt/format.h>

#include "cuda/cublas_check.hpp"
#include "gemm/cuda_gemm_executor.hpp"
#include "gemm/cuda_gemm_families.hpp"

namespace hashflop::gemm {
namespace {

class CublasExecutor final : public CudaGemmExecutor {
 public:
  CublasExecutor(const GemmProblemSpec& spec, const CublasRoutine& routine)
      : CudaGemmExecutor(spec, spec.dtype == Dtype::bf16 || spec.dtype == Dtype::fp16
                                   ? OperandLayout::half
                                   : OperandLayout::fp32),
        routine_(routine),
        handle_(std::make_unique<cuda::CublasHandle>()) {
    HF_CUBLAS_CHECK(cublasSetStream(handle_->get(), stream()));
  }

  // The handle belongs to the device it was created on: release it there.
  ~CublasExecutor() override {
    try {
      cuda::DeviceScope scope(device());
      handle_.reset();
    } catch (...) {
      handle_.reset();
    }
  }

  std::string settings() const override {
    int version = 0;
    HF_CUBLAS_CHECK(cublasGetVersion(handle_->get(), &version));
    return fmt::format("cublas={} compute={} batched={}", version, routine_.compute_name,
                       routine_.sgemm ? "cublasSgemmStridedBatched" : "cublasGemmStridedBatchedEx");
  }

  int64_t max_batch() const override { return INT_MAX; }

 private:
  void launch(const DeviceOperands& ops) override {
    const auto& s = spec();
    const float alpha = s.alpha, beta = s.beta;
    if (routine_.sgemm) {
      HF_CUBLAS_CHECK(cublasSgemm(handle_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n(), m(), k(), &alpha,
                                  static_cast<const float*>(ops.b), static_cast<int>(ops.ldb),
                                  static_cast<const float*>(ops.a), static_cast<int>(ops.lda),
                                  &beta, ops.c, static_cast<int>(ops.ldc)));
      return;
    }
    const cudaDataType_t t = s.dtype == Dtype::bf16   ? CUDA_R_16BF
                             : s.dtype == Dtype::fp16 ? CUDA_R_16F
                                                      : CUDA_R_32F;
    HF_CUBLAS_CHECK(cublasGemmEx(handle_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n(), m(), k(), &alpha,
                                 ops.b, t, static_cast<int>(ops.ldb), ops.a, t,
                                 static_cast<int>(ops.lda), &beta, ops.c, CUDA_R_32F,
                                 static_cast<int>(ops.ldc), routine_.compute, CUBLAS_GEMM_DEFAULT));
  }

  void launch_batch(const DeviceOperands& ops, const Strides& st, int count) override {
    const auto& s = spec();
    const float alpha = s.alpha, beta = s.beta;
    if (routine_.sgemm) {
      HF_CUBLAS_CHECK(cublasSgemmStridedBatched(
          handle_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n(), m(), k(), &alpha,
          static_cast<const float*>(ops.b), static_cast<int>(ops.ldb), st.b,
          static_cast<const float*>(ops.a), static_cast<int>(ops.lda), st.a, &beta, ops.c,
          static_cast<int>(ops.ldc), st.c, count));
      return;
    }
    const cudaDataType_t t = s.dtype == Dtype::bf16   ? CUDA_R_16BF
                             : s.dtype == Dtype::fp16 ? CUDA_R_16F
                                                      : CUDA_R_32F;
    HF_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
        handle_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n(), m(), k(), &alpha, ops.b, t,
        static_cast<int>(ops.ldb), st.b, ops.a, t, static_cast<int>(ops.lda), st.a, &beta, ops.c,
        CUDA_R_32F, static_cast<int>(ops.ldc), st.c, count, routine_.compute, CUBLAS_GEMM_DEFAULT));
  }

  const CublasRoutine& routine_;
  std::unique_ptr<cuda::CublasHandle> handle_;
};

}  // namespace

std::unique_ptr<GemmExecutor> prepare_cublas(const GemmProblemSpec& spec,
                                             const CublasRoutine& routine) {
  return make_cuda_executor<CublasExecutor>(spec, routine);
}

}  // namespace hashflop::gemm
