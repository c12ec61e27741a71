#include "gemm/cuda_gemm_executor.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "common/error.hpp"
#include "gemm/device_operand_layout.hpp"
#include "gemm_kernels.cuh"

namespace hashflop::gemm {
namespace {

using cuda::DeviceBuffer;

static_assert(cuda::half_padded_ld(1) == half_row_ld(1) &&
                  cuda::half_padded_ld(13) == half_row_ld(13),
              "the host-side layout must pad rows as the kernels expect");

int checked_int(int64_t v, const char* what) {
  if (v <= 0 || v > INT_MAX) {
    throw UsageError(fmt::format("CUDA GEMM: {} = {} is outside 1..{}", what, v, INT_MAX));
  }
  return static_cast<int>(v);
}

// The GEMM stream of each device, shared by every executor alive on it (and freed with the
// last): products queued by different executors run in call order without a host wait.
// Called with the device current.
std::shared_ptr<cuda::Stream> device_gemm_stream(int device) {
  static std::mutex lock;
  static std::map<int, std::weak_ptr<cuda::Stream>> streams;
  const std::scoped_lock hold(lock);
  auto& slot = streams[device];
  if (auto s = slot.lock()) return s;
  auto s = std::make_shared<cuda::Stream>();
  slot = s;
  return s;
}

}  // namespace

// Everything that lives on the device, released in one place with the device current.
struct CudaGemmExecutor::Resources {
  explicit Resources(int device) : stream(device_gemm_stream(device)) {}
  std::shared_ptr<cuda::Stream> stream;
  // Timing events sleep in synchronize() instead of spinning a CPU core, which would add host
  // power to every joule measured (cudaEventBlockingSync; timing stays enabled).
  cuda::Event start{cudaEventBlockingSync}, stop{cudaEventBlockingSync};
  cuda::Event done{cudaEventDisableTiming | cudaEventBlockingSync};
  DeviceOperandLayout layout;
  DeviceBuffer<unsigned char> arena;  // every set's A, B and C, and the upload's staging
  std::vector<float*> host_c;         // where fetch_c() puts each set's C

  // Set `index`'s operands in the arena.
  DeviceOperands operands(size_t index) const {
    unsigned char* base = arena.get();
    const uint64_t e = layout.half ? 2 : 4, i = index;
    return {base + layout.a_offset + i * uint64_t(layout.a_stride) * e,
            layout.lda,
            base + layout.b_offset + i * uint64_t(layout.b_stride) * e,
            layout.ldb,
            reinterpret_cast<float*>(base + layout.c_offset + i * uint64_t(layout.c_stride) * 4),
            layout.ldc};
  }
};

CudaGemmExecutor::CudaGemmExecutor(const GemmProblemSpec& spec, OperandLayout layout)
    : spec_(spec),
      layout_(layout),
      device_(spec.device.index),
      m_(checked_int(spec.shape.m, "m")),
      n_(checked_int(spec.shape.n, "n")),
      k_(checked_int(spec.shape.k, "k")) {
  cuda::DeviceScope scope(device_);
  res_ = std::make_unique<Resources>(device_);
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
  return res_->stream->get();
}

void CudaGemmExecutor::launch_batch(const DeviceOperands&, const Strides&, int) {
  throw Error("CUDA GEMM: this executor does not launch batches (max_batch() is 1)");
}

void CudaGemmExecutor::bind(std::span<const HostOperands> sets) {
  cuda::DeviceScope scope(device_);
  // The old arena goes first (queued products may still read it), so the check counts the
  // memory a new one can have.
  res_->stream->synchronize();
  res_->arena = {};
  res_->host_c.clear();
  check_memory(sets.size());
  const size_t mk = size_t(m_) * size_t(k_), kn = size_t(k_) * size_t(n_),
               mn = size_t(m_) * size_t(n_);
  const bool half = layout_ == OperandLayout::half;
  // Everything is queued on the executor's stream, which does not synchronise with the legacy
  // stream: a plain cudaMemcpy from pageable memory may return before its DMA lands, and the
  // conversion kernel on this stream would not wait for it.
  res_->layout = device_operand_layout({m_, n_, k_}, half, sets.size());
  const auto& l = res_->layout;
  res_->arena = DeviceBuffer<unsigned char>(l.arena_bytes);
  const cudaStream_t s = stream();
  auto* staging = reinterpret_cast<float*>(res_->arena.get() + l.staging_offset);
  const auto kind = spec_.dtype == Dtype::bf16 ? cuda::HalfKind::bf16 : cuda::HalfKind::fp16;
  // Padding between sets and rows stays zero, as the half-precision kernels require.
  HF_CUDA_CHECK(cudaMemsetAsync(res_->arena.get(), 0, l.staging_offset, s));
  for (size_t i = 0; i < sets.size(); ++i) {
    const HostOperands& host = sets[i];
    const DeviceOperands d = res_->operands(i);
    res_->host_c.push_back(host.c);
    // C goes up even when beta == 0: its NaN poison must reach the device too.
    HF_CUDA_CHECK(cudaMemcpyAsync(d.c, host.c, mn * 4, cudaMemcpyHostToDevice, s));
    if (!half) {
      HF_CUDA_CHECK(
          cudaMemcpyAsync(const_cast<void*>(d.a), host.a, mk * 4, cudaMemcpyHostToDevice, s));
      HF_CUDA_CHECK(
          cudaMemcpyAsync(const_cast<void*>(d.b), host.b, kn * 4, cudaMemcpyHostToDevice, s));
      continue;
    }
    // Reusing staging for the next copy is safe: the stream runs these in order.
    HF_CUDA_CHECK(cudaMemcpyAsync(staging, host.a, mk * 4, cudaMemcpyHostToDevice, s));
    HF_CUDA_CHECK(cuda::launch_convert_to_half(
        kind, staging, m_, k_, static_cast<uint16_t*>(const_cast<void*>(d.a)), d.lda, s));
    HF_CUDA_CHECK(cudaMemcpyAsync(staging, host.b, kn * 4, cudaMemcpyHostToDevice, s));
    HF_CUDA_CHECK(cuda::launch_convert_to_half(
        kind, staging, k_, n_, static_cast<uint16_t*>(const_cast<void*>(d.b)), d.ldb, s));
  }
  res_->stream->synchronize();  // the host's pageable sources may be changed on return
}

void CudaGemmExecutor::run(size_t index) {
  cuda::DeviceScope scope(device_);
  if (index >= res_->host_c.size())
    throw Error(fmt::format("CUDA GEMM: set {} of {} is not bound", index, res_->host_c.size()));
  launch(res_->operands(index));
}

void CudaGemmExecutor::run_batch(size_t first, size_t count) {
  cuda::DeviceScope scope(device_);
  if (first + count > res_->host_c.size())
    throw Error(fmt::format("CUDA GEMM: sets {}..{} of {} are not bound", first, first + count,
                            res_->host_c.size()));
  const int64_t most = max_batch();
  // A single product (a linear layer) keeps the plain call, whose heuristics are tuned for it.
  if (most <= 1 || count == 1) {
    for (size_t i = 0; i < count; ++i) launch(res_->operands(first + i));
    return;
  }
  const auto& l = res_->layout;
  for (size_t done = 0; done < count;) {
    const auto n = static_cast<size_t>(std::min<int64_t>(most, int64_t(count - done)));
    launch_batch(res_->operands(first + done), {l.a_stride, l.b_stride, l.c_stride},
                 static_cast<int>(n));
    done += n;
  }
}

void CudaGemmExecutor::synchronize() {
  cuda::DeviceScope scope(device_);
  res_->done.record(stream());
  res_->done.synchronize();
}

void CudaGemmExecutor::fetch_c(size_t index) {
  cuda::DeviceScope scope(device_);
  const DeviceOperands d = res_->operands(index);
  HF_CUDA_CHECK(cudaMemcpyAsync(res_->host_c.at(index), d.c, size_t(m_) * size_t(n_) * 4,
                                cudaMemcpyDeviceToHost, stream()));
  res_->stream->synchronize();
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

// A clear error before the arena's cudaMalloc fails.
void CudaGemmExecutor::check_memory(size_t count) const {
  cuda::DeviceScope scope(device_);
  const uint64_t needed =
      device_operand_layout({m_, n_, k_}, layout_ == OperandLayout::half, count).arena_bytes;
  size_t free = 0, total = 0;
  HF_CUDA_CHECK(cudaMemGetInfo(&free, &total));
  if (needed > free) {
    throw UsageError(fmt::format(
        "cuda:{}: {} operand sets of {}x{}x{} need {} bytes of device memory, {} are free", device_,
        count, m_, n_, k_, needed, free));
  }
}

uint64_t cuda_device_memory_bytes(int index) {
  cuda::DeviceScope scope(index);
  size_t free = 0, total = 0;
  HF_CUDA_CHECK(cudaMemGetInfo(&free, &total));
  return total;
}

}  // namespace hashflop::gemm
