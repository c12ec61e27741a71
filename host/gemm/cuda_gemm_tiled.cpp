// The executor of our tiled CUDA kernels: one launch through the kernel's function for the
// problem's dtype.
#include <fmt/format.h>

#include "common/error.hpp"
#include "gemm/cuda_gemm_executor.hpp"
#include "gemm/cuda_gemm_families.hpp"

namespace hashflop::gemm {
namespace {

class CudaTiledExecutor final : public CudaGemmExecutor {
 public:
  CudaTiledExecutor(const GemmProblemSpec& spec, const TiledKernel& kernel)
      : CudaGemmExecutor(spec,
                         spec.dtype == Dtype::fp32 ? OperandLayout::fp32 : OperandLayout::half),
        kernel_(kernel),
        launch_(spec.dtype == Dtype::fp32   ? kernel.fp32
                : spec.dtype == Dtype::bf16 ? kernel.bf16
                : spec.dtype == Dtype::fp16 ? kernel.fp16
                                            : nullptr) {
    if (launch_ == nullptr) {
      throw UsageError(fmt::format("this kernel does not take {}", dtype_name(spec.dtype)));
    }
  }

  std::string settings() const override {
    return kernel_.settings != nullptr ? kernel_.settings(m(), n(), k()) : std::string();
  }

 private:
  void launch(const DeviceOperands& ops) override {
    const auto& s = spec();
    HF_CUDA_CHECK(
        launch_({m(), n(), k(), s.alpha, s.beta, ops.a, ops.lda, ops.b, ops.ldb, ops.c, ops.ldc},
                stream()));
  }

  const TiledKernel& kernel_;
  cuda::GemmLaunchFn launch_;
};

}  // namespace

std::unique_ptr<GemmExecutor> prepare_cuda_tiled(const GemmProblemSpec& spec,
                                                 const TiledKernel& kernel) {
  return make_cuda_executor<CudaTiledExecutor>(spec, kernel);
}

}  // namespace hashflop::gemm
