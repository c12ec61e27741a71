// cuBLAS status codes as exceptions that name the failing call, and an owning cuBLAS handle.
// The CUDA GEMM executors use these; they mirror cuda_check.hpp for the runtime API.
#pragma once

#include <string>

#include <cublas_v2.h>

#include "common/error.hpp"

namespace hashflop::cuda {

/// A failed cuBLAS call. A DeviceError, so the CLI maps it to exit code 1.
class CublasError : public DeviceError {
 public:
  CublasError(cublasStatus_t status, std::string call, std::string file, int line);

  cublasStatus_t status() const { return status_; }
  const std::string& call() const { return call_; }  ///< the call's source text
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  cublasStatus_t status_;
  std::string call_;
  std::string file_;
  int line_;
};

/// Throws CublasError unless `status` is CUBLAS_STATUS_SUCCESS.
void check_cublas(cublasStatus_t status, const char* call, const char* file, int line);

/// A cuBLAS handle bound to the device current at construction. Move-only.
class CublasHandle {
 public:
  CublasHandle();
  CublasHandle(CublasHandle&& other) noexcept;
  CublasHandle& operator=(CublasHandle&& other) noexcept;
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  ~CublasHandle();

  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

}  // namespace hashflop::cuda

/// Runs a cuBLAS call and throws CublasError, naming the call and its place, if it fails.
#define HF_CUBLAS_CHECK(call) ::hashflop::cuda::check_cublas((call), #call, __FILE__, __LINE__)
