#include "gemm/cuda_gemm_executor.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "common/error.hpp"
#include "gemm_kernels.cuh"

namespace hashflop::gemm {
namespace {

using cuda::DeviceBuffer;

int checked_int(int64_t v, const char* what) {
  if (v <= 0 || v > INT_MAX) {
    throw UsageError(fmt::format("CUDA GEMM: {} = {} is outside 1..{}", what, v, INT_MAX));
  }
  return static_cast<int>(v);
}

}  // namespace

// fp32 layouts fill a32/b32; half layouts fill a16/b16 (padded rows, see half_padded_ld).
struct CudaGemmExecutor::DeviceSet {
  DeviceBuffer<float> a32, b32, c;
  DeviceBuffer<uint16_t> a16, b16;
  float* host_c = nullptr;
};

// Everything that lives on the device, released in one place with the device current.
struct CudaGemmExecutor::Resources {
  cuda::Stream stream;
  // Timing events sleep in synchronize() instead of spinning a CPU core, which would add host
  // power to every joule measured (cudaEventBlockingSync; timing stays enabled).
  cuda::Event start{cudaEventBlockingSync}, stop{cudaEventBlockingSync};
  cuda::Event done{cudaEventDisableTiming | cudaEventBlockingSync};
  std::vector<DeviceSet> sets;
};

CudaGemmExecutor::CudaGemmExecutor(const GemmProblemSpec& spec, OperandLayout layout)
    : spec_(spec),
      layout_(layout),
      device_(spec.device.index),
      m_(checked_int(spec.shape.m, "m")),
      n_(checked_int(spec.shape.n, "n")),
      k_(checked_int(spec.shape.k, "k")) {
  cuda::DeviceScope scope(device_);
  res_ = std::make_unique<Resources>();
}

CudaGemmExecutor::~CudaGemmExecutor() {
  try {
    cuda::DeviceScope scope(device_);
    res_.reset();
  } catch (...) {
    res_.reset();  // the device is gone; free what can be freed
  }
}

cudaStream_t CudaGemmExecutor::stream() const {
  return res_->stream.get();
}

void CudaGemmExecutor::bind(std::span<const HostOperands> sets) {
  cuda::DeviceScope scope(device_);
  check_memory(sets.size());
  const size_t mk = size_t(m_) * size_t(k_), kn = size_t(k_) * size_t(n_),
               mn = size_t(m_) * size_t(n_);
  const bool half = layout_ == OperandLayout::half;
  const int64_t lda16 = cuda::half_padded_ld(k_), ldb16 = cuda::half_padded_ld(n_);
  // Everything is queued on the executor's stream, which does not synchronise with the legacy
  // stream: a plain cudaMemcpy from pageable memory may return before its DMA lands, and the
  // conversion kernel on this stream would not wait for it.
  const cudaStream_t s = stream();
  DeviceBuffer<float> staging;  // fp32 landing place of a half-precision operand
  if (half) staging = DeviceBuffer<float>(std::max(mk, kn));
  const auto kind = spec_.dtype == Dtype::bf16 ? cuda::HalfKind::bf16 : cuda::HalfKind::fp16;
  auto& out = res_->sets;
  out.clear();
  out.reserve(sets.size());
  for (const auto& host : sets) {
    DeviceSet& d = out.emplace_back();
    d.host_c = host.c;
    d.c = DeviceBuffer<float>(mn);
    // C goes up even when beta == 0: its NaN poison must reach the device too.
    HF_CUDA_CHECK(cudaMemcpyAsync(d.c.get(), host.c, mn * 4, cudaMemcpyHostToDevice, s));
    if (!half) {
      d.a32 = DeviceBuffer<float>(mk);
      d.b32 = DeviceBuffer<float>(kn);
      HF_CUDA_CHECK(cudaMemcpyAsync(d.a32.get(), host.a, mk * 4, cudaMemcpyHostToDevice, s));
      HF_CUDA_CHECK(cudaMemcpyAsync(d.b32.get(), host.b, kn * 4, cudaMemcpyHostToDevice, s));
      continue;
    }
    d.a16 = DeviceBuffer<uint16_t>(size_t(m_) * size_t(lda16));
    d.b16 = DeviceBuffer<uint16_t>(size_t(k_) * size_t(ldb16));
    HF_CUDA_CHECK(cudaMemcpyAsync(staging.get(), host.a, mk * 4, cudaMemcpyHostToDevice, s));
    HF_CUDA_CHECK(cuda::launch_convert_to_half(kind, staging.get(), m_, k_, d.a16.get(), lda16, s));
    HF_CUDA_CHECK(cudaMemcpyAsync(staging.get(), host.b, kn * 4, cudaMemcpyHostToDevice, s));
    HF_CUDA_CHECK(cuda::launch_convert_to_half(kind, staging.get(), k_, n_, d.b16.get(), ldb16, s));
    // Reusing staging for the next copy is safe: the stream runs these in order.
  }
  res_->stream.synchronize();  // staging is freed on return, and the sets must be complete
}

void CudaGemmExecutor::run(size_t index) {
  cuda::DeviceScope scope(device_);
  const DeviceSet& d = res_->sets.at(index);
  if (layout_ == OperandLayout::half) {
    launch({d.a16.get(), cuda::half_padded_ld(k_), d.b16.get(), cuda::half_padded_ld(n_), d.c.get(),
            n_});
  } else {
    launch({d.a32.get(), k_, d.b32.get(), n_, d.c.get(), n_});
  }
}

void CudaGemmExecutor::synchronize() {
  cuda::DeviceScope scope(device_);
  res_->done.record(stream());
  res_->done.synchronize();
}

void CudaGemmExecutor::fetch_c(size_t index) {
  cuda::DeviceScope scope(device_);
  const DeviceSet& d = res_->sets.at(index);
  HF_CUDA_CHECK(
      cudaMemcpyAsync(d.host_c, d.c.get(), d.c.size() * 4, cudaMemcpyDeviceToHost, stream()));
  res_->stream.synchronize();
}

uint64_t CudaGemmExecutor::cache_bytes() const {
  int l2 = 0;
  HF_CUDA_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device_));
  return static_cast<uint64_t>(l2);
}

void CudaGemmExecutor::start_timer() {
  cuda::DeviceScope scope(device_);
  res_->start.record(stream());
}

std::optional<double> CudaGemmExecutor::stop_timer() {
  cuda::DeviceScope scope(device_);
  res_->stop.record(stream());
  res_->stop.synchronize();
  return res_->stop.milliseconds_since(res_->start) / 1e3;
}

// A clear error before cudaMalloc fails half-way through the sets.
void CudaGemmExecutor::check_memory(size_t count) const {
  cuda::DeviceScope scope(device_);
  const bool half = layout_ == OperandLayout::half;
  const uint64_t m = uint64_t(m_), n = uint64_t(n_), k = uint64_t(k_);
  const uint64_t ab =
      half ? 2 * (m * uint64_t(cuda::half_padded_ld(k_)) + k * uint64_t(cuda::half_padded_ld(n_)))
           : 4 * (m * k + k * n);
  const uint64_t staging = half ? 4 * std::max(m * k, k * n) : 0;
  size_t free = 0, total = 0;
  HF_CUDA_CHECK(cudaMemGetInfo(&free, &total));
  const uint64_t needed = (ab + 4 * m * n) * count + staging;
  if (needed > free) {
    throw UsageError(fmt::format(
        "cuda:{}: {} operand sets of {}x{}x{} need {} bytes of device memory, {} are free", device_,
        count, m_, n_, k_, needed, free));
  }
}

}  // namespace hashflop::gemm
