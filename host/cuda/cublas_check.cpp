#include "cuda/cublas_check.hpp"

#include <utility>

#include <fmt/format.h>

namespace hashflop::cuda {
namespace {

// Same shape as CudaError's message: the call, the status, then only the file name.
std::string describe(cublasStatus_t status, const std::string& call, const std::string& file,
                     int line) {
  const auto slash = file.find_last_of('/');
  const auto name = slash == std::string::npos ? file : file.substr(slash + 1);
  return fmt::format("{} failed: {} (cublasStatus_t {}) at {}:{}", call,
                     cublasGetStatusString(status), static_cast<int>(status), name, line);
}

}  // namespace

CublasError::CublasError(cublasStatus_t status, std::string call, std::string file, int line)
    : DeviceError(describe(status, call, file, line)),
      status_(status),
      call_(std::move(call)),
      file_(std::move(file)),
      line_(line) {}

void check_cublas(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS) throw CublasError(status, call, file, line);
}

CublasHandle::CublasHandle() {
  HF_CUBLAS_CHECK(cublasCreate(&handle_));
}

CublasHandle::CublasHandle(CublasHandle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

CublasHandle& CublasHandle::operator=(CublasHandle&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) (void)cublasDestroy(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

// Never throws: a failed destroy during unwinding must not terminate the program.
CublasHandle::~CublasHandle() {
  if (handle_ != nullptr) (void)cublasDestroy(handle_);
}

}  // namespace hashflop::cuda
