// A device-to-device copy on one GPU, measured with the same harness as everything else: the
// GPU's memory ceiling for the transformer's bytes/s, taken in the same run (the CPU's is
// memcopy_workload.cpp). Buffers are many times the L2, so every copy goes to device memory.
#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "common/error.hpp"
#include "cuda/cuda_raii.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

// At least 1 GiB and 8 times the L2 (50 MB on an H100, 126 MB on a B200): nothing of one copy
// is still cached when the next reads it.
constexpr uint64_t min_device_copy_bytes = uint64_t{1} << 30;
// Copies queued between host waits: a wait costs the GPU an idle gap of about 10 us, a copy of
// 1 GiB takes under 1 ms on HBM, so one wait per copy would hide a percent of the ceiling.
constexpr int copies_per_wait = 8;
// Host chunk for filling and comparing, so the host needs 64 MiB, not the buffer's size.
constexpr size_t compare_chunk = size_t{64} << 20;

unsigned char pattern_byte(uint64_t i) {
  return static_cast<unsigned char>(i * 131 + 7);
}

class CudaMemcopyWorkload final : public Workload {
 public:
  explicit CudaMemcopyWorkload(int device) : device_(device) {
    cuda::DeviceScope scope(device_);
    int l2 = 0;
    HF_CUDA_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device_));
    bytes_ = std::max(min_device_copy_bytes, 8 * static_cast<uint64_t>(l2));
  }

  WorkloadKind workload() const override { return WorkloadKind::transformer; }
  std::string variant() const override { return "memcopy"; }
  std::string work_unit() const override { return "byte"; }
  DeviceRef device() const override { return {DeviceKind::cuda, device_}; }
  Record params() const override {
    return {{"buffer_bytes", bytes_},
            {"counted", "bytes read plus bytes written per copy (2 x buffer), as STREAM Copy"},
            {"method", fmt::format("cudaMemcpyAsync device to device, {} copies queued per host "
                                   "wait",
                                   copies_per_wait)}};
  }

  void check() override {
    cuda::DeviceScope scope(device_);
    size_t free = 0, total = 0;
    HF_CUDA_CHECK(cudaMemGetInfo(&free, &total));
    if (2 * bytes_ > free) {
      throw UsageError(fmt::format("memcopy on cuda:{}: needs {} bytes of device memory, {} free",
                                   device_, 2 * bytes_, free));
    }
  }

  Check verify() override {
    prepare();
    cuda::DeviceScope scope(device_);
    copy(1);
    auto c = compare("copied {} bytes on the device, compared byte for byte on the host");
    // Poisoned again, so the check after the windows sees what the measured copies wrote.
    HF_CUDA_CHECK(cudaMemsetAsync(dst_.get(), 0, bytes_, stream_->get()));
    stream_->synchronize();
    return c;
  }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    prepare();
    cuda::DeviceScope scope(device_);
    const auto start = std::chrono::steady_clock::now();
    uint64_t copies = 0;
    while (!stop) {
      copy(copies_per_wait);
      copies += copies_per_wait;
      if (std::chrono::steady_clock::now() - start >= duration) break;
    }
    measured_ = measured_ || copies > 0;
    return 2.0 * double(copies) * double(bytes_);
  }

  std::optional<Check> verify_measured() override {
    if (!measured_) return std::nullopt;
    cuda::DeviceScope scope(device_);
    auto c = compare("last copy ({} bytes) compared byte for byte on the host");
    src_ = {};
    dst_ = {};
    return c;
  }

 private:
  void prepare() {
    if (src_.get() != nullptr) return;
    cuda::DeviceScope scope(device_);
    stream_.emplace();
    done_.emplace(cudaEventDisableTiming | cudaEventBlockingSync);
    src_ = cuda::DeviceBuffer<unsigned char>(bytes_);
    dst_ = cuda::DeviceBuffer<unsigned char>(bytes_);
    std::vector<unsigned char> chunk(std::min<uint64_t>(compare_chunk, bytes_));
    for (uint64_t from = 0; from < bytes_; from += chunk.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), bytes_ - from));
      for (size_t i = 0; i < n; ++i) chunk[i] = pattern_byte(from + i);
      HF_CUDA_CHECK(cudaMemcpyAsync(src_.get() + from, chunk.data(), n, cudaMemcpyHostToDevice,
                                    stream_->get()));
      stream_->synchronize();  // the chunk is refilled next
    }
    HF_CUDA_CHECK(cudaMemsetAsync(dst_.get(), 0, bytes_, stream_->get()));
    stream_->synchronize();
  }

  // `copies` copies, then one wait that sleeps rather than spins (host power is not the GPU's).
  void copy(int copies) {
    for (int i = 0; i < copies; ++i) {
      HF_CUDA_CHECK(cudaMemcpyAsync(dst_.get(), src_.get(), bytes_, cudaMemcpyDeviceToDevice,
                                    stream_->get()));
    }
    done_->record(stream_->get());
    done_->synchronize();
  }

  Check compare(std::string_view what) {
    std::vector<unsigned char> chunk(std::min<uint64_t>(compare_chunk, bytes_));
    for (uint64_t from = 0; from < bytes_; from += chunk.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), bytes_ - from));
      HF_CUDA_CHECK(cudaMemcpyAsync(chunk.data(), dst_.get() + from, n, cudaMemcpyDeviceToHost,
                                    stream_->get()));
      stream_->synchronize();
      for (size_t i = 0; i < n; ++i) {
        if (chunk[i] != pattern_byte(from + i)) {
          return {Verdict::incorrect, fmt::format("byte {} of the copy is {}, expected {}",
                                                  from + i, chunk[i], pattern_byte(from + i))};
        }
      }
    }
    return {Verdict::passed, fmt::format(fmt::runtime(what), bytes_)};
  }

  int device_;
  uint64_t bytes_ = 0;
  std::optional<cuda::Stream> stream_;
  std::optional<cuda::Event> done_;
  cuda::DeviceBuffer<unsigned char> src_, dst_;
  bool measured_ = false;
};

}  // namespace

std::unique_ptr<Workload> make_cuda_memcopy(int device) {
  return std::make_unique<CudaMemcopyWorkload>(device);
}

}  // namespace hashflop::workload
