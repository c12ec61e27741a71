// The CUDA GEMM executor: operand sets live in device memory (bf16/fp16 ones converted and
// padded on upload, untimed), run() only launches on a private stream, and timed batches are
// measured between two CUDA events.
#include "gemm/cuda_gemm.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <vector>

#include <cublas_v2.h>
#include <fmt/format.h>

#include "backend/backend.hpp"
#include "backend/cuda/cuda_check.hpp"
#include "backend/cuda/cuda_raii.hpp"
#include "gemm/cublas_loader.hpp"
#include "gemm/cuda_gemm_cublas.hpp"
#include "gemm_kernels.cuh"

namespace hashflop::gemm {
namespace {

using cuda::DeviceBuffer;
using cuda::HalfKind;

bool takes_halves(CudaGemmKind kind) {
  return kind == CudaGemmKind::mma || kind == CudaGemmKind::cublas_gemmex;
}

// The dtype each kind computes, as a reason when it is not `dtype`.
std::string dtype_reason(CudaGemmKind kind, Dtype dtype) {
  const auto name = dtype_name(dtype);
  switch (kind) {
    case CudaGemmKind::simt:
      if (dtype == Dtype::fp32) return {};
      return fmt::format("cuda-simt computes in fp32 only ({}: {})", name,
                         dtype == Dtype::tf32 ? "use cublas-tf32" : "use cuda-mma");
    case CudaGemmKind::mma:
      if (dtype == Dtype::bf16 || dtype == Dtype::fp16) return {};
      return fmt::format("cuda-mma takes bf16 or fp16 inputs only ({}: {})", name,
                         dtype == Dtype::tf32
                             ? "no tf32 mma.sync kernel is implemented; use cublas-tf32"
                             : "use cuda-simt");
    case CudaGemmKind::cublas_sgemm:
      if (dtype == Dtype::fp32) return {};
      return fmt::format("cublas-sgemm is fp32 only ({}: use cublas-tf32 or cublas-gemmex)", name);
    case CudaGemmKind::cublas_tf32:
      if (dtype == Dtype::tf32) return {};
      return fmt::format("cublas-tf32 is tf32 only ({}: use cublas-sgemm or cublas-gemmex)", name);
    case CudaGemmKind::cublas_gemmex:
      if (dtype == Dtype::bf16 || dtype == Dtype::fp16) return {};
      return fmt::format("cublas-gemmex takes bf16 or fp16 inputs only ({}: use cublas-{})", name,
                         dtype == Dtype::tf32 ? "tf32" : "sgemm");
  }
  return "unknown CUDA GEMM kind";
}

int current_device() {
  int device = 0;
  HF_CUDA_CHECK(cudaGetDevice(&device));
  return device;
}

int checked_int(int64_t v, const char* what) {
  if (v <= 0 || v > INT_MAX) {
    throw UsageError(fmt::format("CUDA GEMM: {} = {} is outside 1..{}", what, v, INT_MAX));
  }
  return static_cast<int>(v);
}

// One operand set on the device. fp32 kinds fill a32/b32; half kinds fill a16/b16 (padded
// rows, see half_padded_ld).
struct DeviceSet {
  DeviceBuffer<float> a32, b32, c;
  DeviceBuffer<uint16_t> a16, b16;
  float* host_c = nullptr;
};

class CudaGemmExecutor : public GemmExecutor {
 public:
  CudaGemmExecutor(CudaGemmKind kind, const GemmProblemSpec& spec)
      : kind_(kind),
        spec_(spec),
        device_(current_device()),
        m_(checked_int(spec.shape.m, "m")),
        n_(checked_int(spec.shape.n, "n")),
        k_(checked_int(spec.shape.k, "k")),
        lda16_(cuda::half_padded_ld(k_)),
        ldb16_(cuda::half_padded_ld(n_)),
        // Waiting on this event sleeps rather than spins (see cuda_raii.hpp).
        done_(cudaEventDisableTiming | cudaEventBlockingSync) {
    if (kind_ >= CudaGemmKind::cublas_sgemm) {
      cublas_.emplace();
      HF_CUBLAS_CHECK(cublasSetStream(cublas_->get(), stream_.get()));
    }
  }

  void bind(std::span<const HostOperands> sets) override {
    cuda::DeviceScope scope(device_);
    check_device_memory(sets.size());
    const size_t mk = size_t(m_) * size_t(k_), kn = size_t(k_) * size_t(n_),
                 mn = size_t(m_) * size_t(n_);
    // Everything is queued on the executor's stream, which does not synchronise with the legacy
    // stream: a plain cudaMemcpy from pageable memory may return before its DMA lands, and the
    // conversion kernel on this stream would not wait for it.
    const cudaStream_t s = stream_.get();
    DeviceBuffer<float> staging;  // fp32 landing place of a half-precision operand
    if (takes_halves(kind_)) staging = DeviceBuffer<float>(std::max(mk, kn));
    sets_.clear();
    sets_.reserve(sets.size());
    for (const auto& host : sets) {
      DeviceSet& d = sets_.emplace_back();
      d.host_c = host.c;
      d.c = DeviceBuffer<float>(mn);
      // C goes up even when beta == 0: its NaN poison must reach the device too.
      HF_CUDA_CHECK(cudaMemcpyAsync(d.c.get(), host.c, mn * 4, cudaMemcpyHostToDevice, s));
      if (!takes_halves(kind_)) {
        d.a32 = DeviceBuffer<float>(mk);
        d.b32 = DeviceBuffer<float>(kn);
        HF_CUDA_CHECK(cudaMemcpyAsync(d.a32.get(), host.a, mk * 4, cudaMemcpyHostToDevice, s));
        HF_CUDA_CHECK(cudaMemcpyAsync(d.b32.get(), host.b, kn * 4, cudaMemcpyHostToDevice, s));
        continue;
      }
      const HalfKind half = spec_.dtype == Dtype::bf16 ? HalfKind::bf16 : HalfKind::fp16;
      d.a16 = DeviceBuffer<uint16_t>(size_t(m_) * size_t(lda16_));
      d.b16 = DeviceBuffer<uint16_t>(size_t(k_) * size_t(ldb16_));
      HF_CUDA_CHECK(cudaMemcpyAsync(staging.get(), host.a, mk * 4, cudaMemcpyHostToDevice, s));
      HF_CUDA_CHECK(
          cuda::launch_convert_to_half(half, staging.get(), m_, k_, d.a16.get(), lda16_, s));
      HF_CUDA_CHECK(cudaMemcpyAsync(staging.get(), host.b, kn * 4, cudaMemcpyHostToDevice, s));
      HF_CUDA_CHECK(
          cuda::launch_convert_to_half(half, staging.get(), k_, n_, d.b16.get(), ldb16_, s));
      // Reusing staging for the next copy is safe: the stream runs these in order.
    }
    stream_.synchronize();  // staging is freed on return, and the sets must be complete
  }

  void run(size_t index) override {
    cuda::DeviceScope scope(device_);
    DeviceSet& d = sets_.at(index);
    const float alpha = spec_.alpha, beta = spec_.beta;
    const cudaStream_t s = stream_.get();
    // cuBLAS is column-major: row-major C = A B is column-major C^T = B^T A^T, so B goes first
    // and m, n swap; every leading dimension stays the row length.
    switch (kind_) {
      case CudaGemmKind::simt:
        HF_CUDA_CHECK(cuda::launch_gemm_simt(m_, n_, k_, alpha, d.a32.get(), k_, d.b32.get(), n_,
                                             beta, d.c.get(), n_, s));
        break;
      case CudaGemmKind::mma:
        HF_CUDA_CHECK(cuda::launch_gemm_mma(half_kind(), m_, n_, k_, alpha, d.a16.get(), lda16_,
                                            d.b16.get(), ldb16_, beta, d.c.get(), n_, s));
        break;
      case CudaGemmKind::cublas_sgemm:
        HF_CUBLAS_CHECK(cublasSgemm(cublas_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n_, m_, k_, &alpha,
                                    d.b32.get(), n_, d.a32.get(), k_, &beta, d.c.get(), n_));
        break;
      case CudaGemmKind::cublas_tf32:
        HF_CUBLAS_CHECK(cublasGemmEx(cublas_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n_, m_, k_, &alpha,
                                     d.b32.get(), CUDA_R_32F, n_, d.a32.get(), CUDA_R_32F, k_,
                                     &beta, d.c.get(), CUDA_R_32F, n_, CUBLAS_COMPUTE_32F_FAST_TF32,
                                     CUBLAS_GEMM_DEFAULT));
        break;
      case CudaGemmKind::cublas_gemmex: {
        const cudaDataType_t t = spec_.dtype == Dtype::bf16 ? CUDA_R_16BF : CUDA_R_16F;
        HF_CUBLAS_CHECK(cublasGemmEx(cublas_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n_, m_, k_, &alpha,
                                     d.b16.get(), t, static_cast<int>(ldb16_), d.a16.get(), t,
                                     static_cast<int>(lda16_), &beta, d.c.get(), CUDA_R_32F, n_,
                                     CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
        break;
      }
    }
  }

  void synchronize() override {
    cuda::DeviceScope scope(device_);
    done_.record(stream_.get());
    done_.synchronize();
  }

  void fetch_c(size_t index) override {
    cuda::DeviceScope scope(device_);
    const DeviceSet& d = sets_.at(index);
    HF_CUDA_CHECK(cudaMemcpyAsync(d.host_c, d.c.get(), d.c.size() * 4, cudaMemcpyDeviceToHost,
                                  stream_.get()));
    stream_.synchronize();
  }

  std::string settings() const override;

  uint64_t cache_bytes() const override {
    int l2 = 0;
    HF_CUDA_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device_));
    return static_cast<uint64_t>(l2);
  }

  void start_timer() override {
    cuda::DeviceScope scope(device_);
    start_.record(stream_.get());
  }

  std::optional<double> stop_timer() override {
    cuda::DeviceScope scope(device_);
    stop_.record(stream_.get());
    stop_.synchronize();
    return stop_.milliseconds_since(start_) / 1e3;
  }

 private:
  HalfKind half_kind() const {
    return spec_.dtype == Dtype::bf16 ? HalfKind::bf16 : HalfKind::fp16;
  }

  // A clear error before cudaMalloc fails half-way through the sets.
  void check_device_memory(size_t count) const {
    const uint64_t elem_ab = takes_halves(kind_) ? 2 : 4;
    const uint64_t one = elem_ab * (uint64_t(m_) * uint64_t(takes_halves(kind_) ? lda16_ : k_) +
                                    uint64_t(k_) * uint64_t(takes_halves(kind_) ? ldb16_ : n_)) +
                         4 * uint64_t(m_) * uint64_t(n_);
    const uint64_t staging =
        takes_halves(kind_) ? 4 * std::max(uint64_t(m_) * uint64_t(k_), uint64_t(k_) * uint64_t(n_))
                            : 0;
    size_t free = 0, total = 0;
    HF_CUDA_CHECK(cudaMemGetInfo(&free, &total));
    const uint64_t needed = one * count + staging;
    if (needed > free) {
      throw DeviceError(fmt::format(
          "cuda:{}: {} operand sets of {}x{}x{} need {} bytes of device memory, {} are free",
          device_, count, m_, n_, k_, needed, free));
    }
  }

  CudaGemmKind kind_;
  GemmProblemSpec spec_;
  int device_;
  int m_, n_, k_;
  int64_t lda16_, ldb16_;
  cuda::Stream stream_;
  cuda::Event start_, stop_, done_;
  std::optional<cuda::CublasHandle> cublas_;
  std::vector<DeviceSet> sets_;
};

std::string CudaGemmExecutor::settings() const {
  const auto& t = kind_ == CudaGemmKind::simt ? cuda::simt_tile : cuda::mma_tile;
  switch (kind_) {
    case CudaGemmKind::simt:
      return fmt::format("tile={}x{}x{} warp=64x32 thread=8x8 stages={} vector_access={}", t.bm,
                         t.bn, t.bk, t.stages,
                         cuda::simt_vector_access(n_, k_, k_, n_, n_) ? "yes" : "no");
    case CudaGemmKind::mma:
      return fmt::format("tile={}x{}x{} warp=64x32 mma=m16n8k16 stages={} lda={} ldb={}", t.bm,
                         t.bn, t.bk, t.stages, lda16_, ldb16_);
    default: {
      int version = 0;
      HF_CUBLAS_CHECK(cublasGetVersion(cublas_->get(), &version));
      const char* compute = kind_ == CudaGemmKind::cublas_sgemm  ? "cublasSgemm"
                            : kind_ == CudaGemmKind::cublas_tf32 ? "CUBLAS_COMPUTE_32F_FAST_TF32"
                                                                 : "CUBLAS_COMPUTE_32F";
      return fmt::format("cublas={} compute={}", version, compute);
    }
  }
}

}  // namespace

std::string cuda_gemm_unavailable(CudaGemmKind kind, Dtype dtype) {
  if (auto why = dtype_reason(kind, dtype); !why.empty()) return why;
  if (const auto reason = cuda_unavailable_reason()) return "no CUDA device: " + *reason;
  if (kind >= CudaGemmKind::cublas_sgemm) {
    if (auto why = cuda::cublas_unavailable_reason()) return std::move(*why);
  }
  return {};
}

std::unique_ptr<GemmExecutor> prepare_cuda_gemm(CudaGemmKind kind, const GemmProblemSpec& spec) {
  if (auto why = cuda_gemm_unavailable(kind, spec.dtype); !why.empty()) throw DeviceError(why);
  return std::make_unique<CudaGemmExecutor>(kind, spec);
}

void select_cuda_gemm_device(int index) {
  HF_CUDA_CHECK(cudaSetDevice(index));
}

}  // namespace hashflop::gemm
