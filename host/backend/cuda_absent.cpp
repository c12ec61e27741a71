// Linked instead of the CUDA backend when the build found no CUDA compiler, so every caller
// gets the same honest answer: the backend is not there, and why.
#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"

namespace hashflop {

namespace {
constexpr const char* kReason =
    "CUDA backend not compiled in (built without CUDA: no nvcc was found, or "
    "HASHFLOP_ENABLE_CUDA=OFF)";
}

std::optional<std::string> cuda_unavailable_reason() {
  return std::string(kReason);
}
int cuda_device_count() {
  return 0;
}
std::unique_ptr<Backend> make_cuda_backend(int index) {
  throw DeviceError(fmt::format("cuda:{}: {}", index, kReason));
}

}  // namespace hashflop
