// A plain memory copy, measured with the same harness as everything else: the CPU's memory
// ceiling for the transformer's bytes/s, taken in the same run. Buffers are large enough that
// every copy goes to DRAM; each thread copies its own slice with memcpy.
#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/error.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_runner.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

// Each buffer is at least 8 times the last-level cache and at least 256 MiB, so nothing of a
// copy is still cached when the next one reads it.
constexpr uint64_t min_buffer_bytes = uint64_t{256} << 20;

class MemcopyWorkload final : public Workload {
 public:
  explicit MemcopyWorkload(unsigned threads)
      : threads_(threads != 0 ? threads : cpu::cpu_info().logical_cores) {
    const uint64_t l3 = cpu::cpu_info().caches.l3;
    bytes_ = std::max(min_buffer_bytes, 8 * (l3 != 0 ? l3 : uint64_t{32} << 20));
  }

  WorkloadKind workload() const override { return WorkloadKind::transformer; }
  std::string variant() const override { return "memcopy"; }
  std::string work_unit() const override { return "byte"; }
  DeviceRef device() const override { return {DeviceKind::cpu, 0}; }
  Record params() const override {
    return {{"buffer_bytes", bytes_},
            {"threads", threads_},
            {"counted", "bytes read plus bytes written per copy (2 x buffer), as STREAM Copy"},
            {"method", "memcpy of one slice per thread"}};
  }

  void check() override {
    const uint64_t need = 2 * bytes_, available = gemm::available_memory_bytes();
    if (need > available) {
      throw UsageError(fmt::format("memcopy: needs {} bytes, only {} available", need, available));
    }
  }

  Check verify() override {
    prepare();
    copy();
    const bool same = std::memcmp(src_.data(), dst_.data(), src_.size()) == 0;
    return {same ? Verdict::passed : Verdict::incorrect,
            fmt::format("copied {} bytes, compared byte for byte", src_.size())};
  }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    prepare();
    const auto start = std::chrono::steady_clock::now();
    uint64_t copies = 0;
    while (!stop) {
      copy();
      ++copies;
      if (std::chrono::steady_clock::now() - start >= duration) break;
    }
    return 2.0 * double(copies) * double(bytes_);
  }

  std::optional<Check> verify_measured() override {
    if (src_.empty()) return std::nullopt;
    const bool same = std::memcmp(src_.data(), dst_.data(), src_.size()) == 0;
    Check c{same ? Verdict::passed : Verdict::incorrect, "last copy compared byte for byte"};
    src_ = {};
    dst_ = {};
    return c;
  }

 private:
  void prepare() {
    if (!src_.empty()) return;
    src_.resize(bytes_);
    dst_.assign(bytes_, 0);  // touched, so page faults stay out of the windows
    for (size_t i = 0; i < src_.size(); ++i) src_[i] = static_cast<unsigned char>(i * 131 + 7);
  }

  void copy() {
    const size_t n = src_.size(), per = (n + threads_ - 1) / threads_;
    auto part = [&](size_t t) {
      const size_t from = std::min(n, t * per), to = std::min(n, from + per);
      std::memcpy(dst_.data() + from, src_.data() + from, to - from);
    };
    std::vector<std::jthread> pool;
    for (size_t t = 1; t < threads_; ++t) pool.emplace_back(part, t);
    part(0);
  }

  unsigned threads_;
  uint64_t bytes_ = 0;
  std::vector<unsigned char> src_, dst_;
};

}  // namespace

std::unique_ptr<Workload> make_memcopy(unsigned threads) {
  return std::make_unique<MemcopyWorkload>(threads);
}

}  // namespace hashflop::workload
