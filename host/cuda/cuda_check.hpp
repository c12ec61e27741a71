// CUDA runtime errors as exceptions that say which call failed, where, and why.
#pragma once

#include <string>

#include <cuda_runtime_api.h>

#include "common/error.hpp"

namespace hashflop::cuda {

/// A failed CUDA runtime call. A DeviceError, so the CLI maps it to exit code 1.
class CudaError : public DeviceError {
 public:
  CudaError(cudaError_t code, std::string call, std::string file, int line);

  cudaError_t code() const { return code_; }
  const std::string& call() const { return call_; }  ///< the call's source text
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  cudaError_t code_;
  std::string call_;
  std::string file_;
  int line_;
};

/// Throws CudaError unless `code` is cudaSuccess.
void check(cudaError_t code, const char* call, const char* file, int line);

}  // namespace hashflop::cuda

/// Runs a CUDA runtime call and throws CudaError, naming the call and its place, if it fails.
#define HF_CUDA_CHECK(call) ::hashflop::cuda::check((call), #call, __FILE__, __LINE__)
