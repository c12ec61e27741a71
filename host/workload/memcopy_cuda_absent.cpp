// A build without CUDA has no device-to-device copy; only a CUDA backend would ask for one.
#include "common/error.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {

std::unique_ptr<Workload> make_cuda_memcopy(int /*device*/) {
  throw DeviceError("this hashflop was built without CUDA (HASHFLOP_ENABLE_CUDA)");
}

}  // namespace hashflop::workload
