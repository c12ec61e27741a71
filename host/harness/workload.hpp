// What the harness measures: anything that can prove itself correct, then do as much work as it
// can in a window and count it exactly. sha256d (CPU and CUDA) and GEMM adapt to this here.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "gemm/gemm_variants.hpp"

namespace hashflop::harness {

struct Verdict {
  std::string status;  ///< passed, failed, not_verified
  std::string detail;
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string workload() const = 0;  ///< sha256d or gemm
  virtual std::string variant() const = 0;
  virtual std::string work_unit() const = 0;  ///< hash or flop
  virtual nlohmann::json params() const = 0;
  /// Checks the result on known data before anything is measured.
  virtual Verdict verify() = 0;
  /// Works until `duration` has passed or `stop` is set; returns the exact work done (hashes
  /// tested, or products x 2MNK). Throws Error when the work went wrong (e.g. a kernel mismatch).
  virtual double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) = 0;
  /// Checks a result of the measured windows themselves, after the last one (outside every
  /// window, so its time and energy are not charged). nullopt: nothing to check here, e.g.
  /// sha256d, which re-checks every candidate inside run().
  virtual std::optional<Verdict> verify_measured() { return std::nullopt; }
};

/// Nonce search on the CPU with `threads` (0: all) and the fastest variant.
std::unique_ptr<Workload> make_cpu_sha256d(Backend& backend, unsigned threads);
/// Nonce search on CUDA device `index`; throws DeviceError when CUDA is not compiled in.
std::unique_ptr<Workload> make_cuda_sha256d(Backend& backend, int index);
/// Back-to-back products of `variant` at `size` (M = N = K), operands rotated through enough
/// sets to defeat the cache.
std::unique_ptr<Workload> make_gemm(const gemm::GemmVariant& variant, gemm::Dtype dtype,
                                    int64_t size, unsigned threads, std::string device_id);

}  // namespace hashflop::harness
