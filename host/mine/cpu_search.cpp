#include "mine/cpu_search.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "common/measure.hpp"
#include "sha256d_job.hpp"

namespace hashflop::cpu {
namespace {

// Big enough that taking a chunk (one atomic add) is noise next to hashing it (about 2 ms at
// 30 MH/s); small enough that the last chunks balance threads and cancellation is prompt.
constexpr uint64_t kChunk = uint64_t{1} << 16;

}  // namespace

MineResult search_range(const MineRequest& request, const Sha256dVariant& variant) {
  validate_range(request.start, request.count);
  const unsigned threads = request.threads != 0 ? request.threads : cpu_info().logical_cores;
  const auto job = sha256d::make_job(request.header.bytes().data(), request.target.top_word());

  std::atomic<uint64_t> cursor{0};
  std::atomic<uint64_t> tried{0};
  std::mutex merge_mutex;
  MineResult checked;

  // Each worker re-checks its candidates chunk by chunk, so memory stays bounded however easy
  // the target (max_listed found nonces a worker, plus one chunk's candidates).
  auto worker = [&] {
    std::vector<uint32_t> local;
    MineResult mine;
    CandidateSink sink{[](void* ctx, uint32_t nonce) {
                         static_cast<std::vector<uint32_t>*>(ctx)->push_back(nonce);
                       },
                       &local};
    while (request.cancel == nullptr || !request.cancel->load(std::memory_order_relaxed)) {
      const uint64_t offset = cursor.fetch_add(kChunk, std::memory_order_relaxed);
      if (offset >= request.count) break;
      const uint64_t n = std::min(kChunk, request.count - offset);
      variant.search(job, static_cast<uint32_t>(request.start + offset), n, sink);
      tried.fetch_add(n, std::memory_order_relaxed);
      if (request.searched != nullptr) request.searched->fetch_add(n, std::memory_order_relaxed);
      if (!local.empty()) {
        verify_candidates(request, local, mine);
        local.clear();
      }
    }
    std::lock_guard lock(merge_mutex);
    merge_found(request, checked, std::move(mine));
  };

  const measure::Stopwatch clock;
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
  }
  const double seconds = clock.seconds();

  MineResult result;
  result.device = "cpu";
  result.variant = std::string(variant.name);
  result.start = request.start;
  result.count = request.count;
  result.nonces_tried = tried.load();
  result.seconds = seconds;
  result.settings.emplace_back("threads", std::to_string(threads));
  merge_found(request, result, std::move(checked));
  return result;
}

}  // namespace hashflop::cpu
