// The CUDA GEMM entry points in a build without CUDA: the variants stay listed, each saying why
// it cannot run, and preparing one is a device error.
#include "common/error.hpp"
#include "gemm/cuda_gemm.hpp"

namespace hashflop::gemm {
namespace {

constexpr const char* kReason = "this hashflop was built without CUDA (HASHFLOP_ENABLE_CUDA)";

}  // namespace

std::string cuda_gemm_unavailable(CudaGemmKind /*kind*/, Dtype /*dtype*/) {
  return kReason;
}

std::unique_ptr<GemmExecutor> prepare_cuda_gemm(CudaGemmKind /*kind*/,
                                                const GemmProblemSpec& /*spec*/) {
  throw DeviceError(kReason);
}

void select_cuda_gemm_device(int /*index*/) {
  throw DeviceError(kReason);
}

}  // namespace hashflop::gemm
