#include "cuda/cuda_check.hpp"

#include <fmt/format.h>

namespace hashflop::cuda {
namespace {

std::string describe(cudaError_t code, const std::string& call, const std::string& file, int line) {
  // Only the file name: build paths make messages long and differ between machines.
  const auto slash = file.find_last_of('/');
  const auto name = slash == std::string::npos ? file : file.substr(slash + 1);
  return fmt::format("{} failed: {} ({}) at {}:{}", call, cudaGetErrorString(code),
                     cudaGetErrorName(code), name, line);
}

}  // namespace

CudaError::CudaError(cudaError_t code, std::string call, std::string file, int line)
    : DeviceError(describe(code, call, file, line)),
      code_(code),
      call_(std::move(call)),
      file_(std::move(file)),
      line_(line) {}

void check(cudaError_t code, const char* call, const char* file, int line) {
  if (code != cudaSuccess) throw CudaError(code, call, file, line);
}

}  // namespace hashflop::cuda
