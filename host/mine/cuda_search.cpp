#include "mine/cuda_search.hpp"

#include <algorithm>
#include <array>
#include <atomic>

#include <fmt/format.h>

#include "cuda/cuda_raii.hpp"
#include "sha256d_search.cuh"

namespace hashflop::cuda {
namespace {

// Slots copied back with every launch's header. Real targets give about one hit per 2^32
// nonces, so one small copy nearly always holds all of them; more costs a second copy.
constexpr uint32_t kEagerSlots = 1024;
constexpr uint64_t kMaxLaunch = uint64_t{1} << 31;

struct Scan {
  SearchOutput header{};
  std::vector<uint32_t> candidates;
};

void check_tested(const SearchOutput& out, uint32_t count) {
  if (out.tested != count) {
    throw DeviceError(fmt::format(
        "CUDA search kernel reports testing {} nonces of a launch of {}: launch accounting bug",
        out.tested, count));
  }
}

}  // namespace

std::string LaunchGeometry::label() const {
  return fmt::format("{}/tpb{}_npt{}_b{}", kernel->name, threads_per_block, nonces_per_thread,
                     blocks);
}

uint32_t default_candidate_capacity(uint64_t nonces_per_launch, uint32_t target_top) {
  // n * (top + 1) fits in 64 bits: n <= 2^31 per launch and top + 1 <= 2^32.
  const uint64_t expected =
      (std::min(nonces_per_launch, kMaxLaunch) * (uint64_t{target_top} + 1)) >> 32;
  return static_cast<uint32_t>(std::clamp<uint64_t>(2 * expected + 256, 256, uint64_t{1} << 20));
}

// The pipeline's buffers and streams, and the steps of run() that use them.
struct SearchPipeline::Impl {
  struct Slot {
    Stream stream;
    Event done{cudaEventDisableTiming | cudaEventBlockingSync};
    DeviceBuffer<unsigned char> out;
    PinnedBuffer<unsigned char> host;
    Chunk chunk{};
    bool busy = false;
  };

  /// A slot's launch, read back.
  struct Finished {
    Chunk chunk;
    uint32_t hits = 0;
    bool overflow = false;
    std::vector<uint32_t> candidates;  ///< those the buffer held (all of them unless overflow)
  };

  explicit Impl(SearchPipeline& owner) : p(owner) {
    for (auto& s : slots) {
      s.out = DeviceBuffer<unsigned char>(search_output_bytes(p.capacity_));
      // Only the eagerly copied part comes back through pinned memory; see collect().
      s.host = PinnedBuffer<unsigned char>(search_output_bytes(std::min(p.capacity_, kEagerSlots)));
    }
  }

  void issue(Slot& slot, const Source& next);
  Finished collect(Slot& slot);
  Scan scan(const Chunk& c, uint32_t capacity);
  void recover(const Chunk& c, uint32_t hits, std::vector<uint32_t>& out);
  void drain() noexcept;

  SearchPipeline& p;
  std::array<Slot, 2> slots;
  Stream rescan_stream;
  DeviceBuffer<unsigned char> rescan_out;
  uint32_t rescan_capacity = 0;
};

// Launches the next chunk, if any, into `slot` and queues the copy of its header and first
// kEagerSlots candidates.
void SearchPipeline::Impl::issue(Slot& slot, const Source& next) {
  auto chunk = next();
  if (!chunk) return;
  const cudaStream_t s = slot.stream.get();
  auto* out = reinterpret_cast<SearchOutput*>(slot.out.get());
  HF_CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(SearchOutput), s));
  HF_CUDA_CHECK(launch_sha256d_search(*p.geometry_.kernel, chunk->job, chunk->first, chunk->count,
                                      p.geometry_.threads_per_block, p.geometry_.nonces_per_thread,
                                      out, p.capacity_, s));
  HF_CUDA_CHECK(cudaMemcpyAsync(slot.host.get(), out,
                                search_output_bytes(std::min(p.capacity_, kEagerSlots)),
                                cudaMemcpyDeviceToHost, s));
  slot.done.record(s);
  slot.chunk = *chunk;
  slot.busy = true;
}

// Waits for `slot`'s launch and reads back every candidate its buffer holds; the slot is free
// again afterwards.
SearchPipeline::Impl::Finished SearchPipeline::Impl::collect(Slot& slot) {
  slot.done.synchronize();
  Finished f;
  f.chunk = slot.chunk;
  const auto* header = reinterpret_cast<const SearchOutput*>(slot.host.get());
  check_tested(*header, f.chunk.count);
  f.hits = header->hits;
  f.overflow = header->overflow != 0;
  const uint32_t stored = std::min(f.hits, p.capacity_);
  f.candidates.assign(candidate_slots(header),
                      candidate_slots(header) + std::min(stored, kEagerSlots));
  if (stored > kEagerSlots) {
    auto* dev = reinterpret_cast<const SearchOutput*>(slot.out.get());
    f.candidates.resize(stored);
    HF_CUDA_CHECK(cudaMemcpyAsync(
        f.candidates.data() + kEagerSlots, candidate_slots(dev) + kEagerSlots,
        (stored - kEagerSlots) * sizeof(uint32_t), cudaMemcpyDeviceToHost, slot.stream.get()));
    slot.stream.synchronize();
  }
  slot.busy = false;
  return f;
}

// A blocking scan on the rescan stream with room for `capacity` candidates.
Scan SearchPipeline::Impl::scan(const Chunk& c, uint32_t capacity) {
  if (rescan_capacity < capacity) {
    rescan_out = DeviceBuffer<unsigned char>(search_output_bytes(capacity));
    rescan_capacity = capacity;
  }
  const cudaStream_t s = rescan_stream.get();
  auto* out = reinterpret_cast<SearchOutput*>(rescan_out.get());
  HF_CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(SearchOutput), s));
  HF_CUDA_CHECK(launch_sha256d_search(*p.geometry_.kernel, c.job, c.first, c.count,
                                      p.geometry_.threads_per_block, p.geometry_.nonces_per_thread,
                                      out, capacity, s));
  Scan r;
  HF_CUDA_CHECK(cudaMemcpyAsync(&r.header, out, sizeof(SearchOutput), cudaMemcpyDeviceToHost, s));
  rescan_stream.synchronize();
  check_tested(r.header, c.count);
  r.candidates.resize(std::min(r.header.hits, capacity));
  HF_CUDA_CHECK(cudaMemcpyAsync(r.candidates.data(), candidate_slots(out),
                                r.candidates.size() * sizeof(uint32_t), cudaMemcpyDeviceToHost, s));
  rescan_stream.synchronize();
  return r;
}

// Every candidate of chunk `c`, whose hit count is known to be `hits`. The count is exact (the
// kernel's counter keeps counting past the buffer), so one buffer of that size suffices; only a
// count beyond max_rescan_capacity needs the range split.
void SearchPipeline::Impl::recover(const Chunk& c, uint32_t hits, std::vector<uint32_t>& out) {
  ++p.rescans_;
  if (hits <= p.options_.max_rescan_capacity) {
    auto r = scan(c, std::max(hits, 1u));
    if (r.header.overflow != 0) {
      throw DeviceError(fmt::format("CUDA rescan of [{}, {}) found {} hits, first pass {}", c.first,
                                    uint64_t{c.first} + c.count, r.header.hits, hits));
    }
    out.insert(out.end(), r.candidates.begin(), r.candidates.end());
    return;
  }
  const uint32_t half = c.count / 2;
  for (const auto& part :
       {Chunk{c.job, c.first, half, c.tag}, Chunk{c.job, c.first + half, c.count - half, c.tag}}) {
    auto r = scan(part, p.options_.max_rescan_capacity);
    if (r.header.overflow == 0) {
      out.insert(out.end(), r.candidates.begin(), r.candidates.end());
    } else {
      recover(part, r.header.hits, out);
    }
  }
}

// Lets in-flight launches finish before their buffers are freed.
void SearchPipeline::Impl::drain() noexcept {
  for (auto& slot : slots) (void)cudaStreamSynchronize(slot.stream.get());
  (void)cudaStreamSynchronize(rescan_stream.get());
}

SearchPipeline::SearchPipeline(int device, LaunchGeometry geometry, uint32_t candidate_capacity,
                               PipelineOptions options)
    : device_(device), geometry_(geometry), capacity_(candidate_capacity), options_(options) {
  if (geometry.threads_per_block == 0 || geometry.nonces_per_thread == 0 || geometry.blocks == 0) {
    throw UsageError(fmt::format("invalid CUDA launch geometry {}", geometry.label()));
  }
  if (capacity_ == 0 || options_.max_rescan_capacity == 0) {
    throw UsageError("candidate buffers need at least one slot");
  }
  DeviceScope scope(device_);
  impl_ = std::make_unique<Impl>(*this);
}

SearchPipeline::~SearchPipeline() {
  // Free on the device the buffers were made on; destructors must not throw.
  try {
    DeviceScope scope(device_);
    impl_.reset();
  } catch (const DeviceError&) {
    impl_.reset();
  }
}

void SearchPipeline::run(const Source& next, const Sink& done) {
  DeviceScope scope(device_);
  auto& impl = *impl_;
  auto& slots = impl.slots;
  try {
    for (auto& slot : slots) impl.issue(slot, next);
    // Slots alternate, so chunks finish in launch order; either may run dry first.
    for (size_t i = 0; slots[0].busy || slots[1].busy; i ^= 1) {
      auto& slot = slots[i];
      if (!slot.busy) continue;
      auto finished = impl.collect(slot);
      // Refill the slot before any slow host work, so the GPU always has a launch queued.
      impl.issue(slot, next);
      if (finished.overflow) {
        finished.candidates.clear();
        impl.recover(finished.chunk, finished.hits, finished.candidates);
      }
      done(finished.chunk, finished.candidates);
    }
  } catch (...) {
    impl.drain();
    throw;
  }
}

}  // namespace hashflop::cuda
