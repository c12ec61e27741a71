// What every CUDA GEMM executor shares: the device it is bound to (made current on every call),
// the device's one GEMM stream (every executor on a device queues on it, so products run in the
// order they were called, as one model's layer does, with no host wait between them), operand
// sets in one device allocation (gemm/device_operand_layout.hpp: fp32, or bf16/fp16 converted
// and padded on upload, untimed), C fetched back, and timed batches between two events. A
// kernel family (our tiled kernels, cuBLAS) adds how one product is launched, and may add how a
// strided batch of them is.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "cuda/cuda_raii.hpp"
#include "gemm/gemm_variants.hpp"

namespace hashflop::gemm {

/// How A and B sit in device memory.
enum class OperandLayout {
  fp32,  ///< dense float rows (lda = k, ldb = n)
  half,  ///< bf16/fp16 rows padded to cuda::half_padded_ld (zeros in the padding)
};

class CudaGemmExecutor : public GemmExecutor {
 public:
  /// Call with spec.device current (make_cuda_executor does): the stream and events are
  /// created on it.
  CudaGemmExecutor(const GemmProblemSpec& spec, OperandLayout layout);
  ~CudaGemmExecutor() override;

  void bind(std::span<const HostOperands> sets) override;
  void run(size_t index) final;
  void run_batch(size_t first, size_t count) final;
  void synchronize() override;
  void fetch_c(size_t index) override;
  uint64_t cache_bytes() const override;
  void check_memory(size_t sets) const override;
  void start_timer() override;
  std::optional<double> stop_timer() override;

  int device() const { return device_; }

 protected:
  /// One operand set as the launch sees it.
  struct DeviceOperands {
    const void* a = nullptr;
    int64_t lda = 0;
    const void* b = nullptr;
    int64_t ldb = 0;
    float* c = nullptr;
    int64_t ldc = 0;
  };
  /// Enqueues C = alpha A B + beta C for `ops` on stream(); the device is already current.
  virtual void launch(const DeviceOperands& ops) = 0;
  /// Enqueues `count` products in one launch: set i's A, B and C are `first`'s advanced by i
  /// strides (in elements). Only called when max_batch() > 1, with count <= max_batch().
  struct Strides {
    int64_t a = 0, b = 0, c = 0;
  };
  virtual void launch_batch(const DeviceOperands& first, const Strides& strides, int count);
  cudaStream_t stream() const;
  const GemmProblemSpec& spec() const { return spec_; }
  int m() const { return m_; }
  int n() const { return n_; }
  int k() const { return k_; }

 private:
  struct Resources;

  GemmProblemSpec spec_;
  OperandLayout layout_;
  int device_;
  int m_, n_, k_;
  std::unique_ptr<Resources> res_;
};

/// Makes spec.device current, builds `Executor(spec, args...)` there, and restores the
/// caller's device.
template <class Executor, class... Args>
std::unique_ptr<GemmExecutor> make_cuda_executor(const GemmProblemSpec& spec, Args&&... args) {
  cuda::DeviceScope scope(spec.device.index);
  return std::make_unique<Executor>(spec, std::forward<Args>(args)...);
}

}  // namespace hashflop::gemm
