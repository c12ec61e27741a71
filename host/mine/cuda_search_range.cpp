// Range search and long runs on top of SearchPipeline: chunking, timing, host verification.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "bitcoin/version_rolling.hpp"
#include "common/error.hpp"
#include "common/measure.hpp"
#include "mine/cuda_search.hpp"

namespace hashflop::cuda {
namespace {

// A launch's count must stay within launch_sha256d_search's 2^31 limit.
uint64_t launch_size(const LaunchGeometry& g) {
  return std::clamp<uint64_t>(g.nonces_per_launch(), 1, uint64_t{1} << 31);
}

bool cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

void add_pipeline_settings(const SearchPipeline& pipe,
                           std::vector<std::pair<std::string, std::string>>& settings) {
  const auto& g = pipe.geometry();
  settings.emplace_back("kernel", g.kernel->name);
  settings.emplace_back("threads_per_block", std::to_string(g.threads_per_block));
  settings.emplace_back("nonces_per_thread", std::to_string(g.nonces_per_thread));
  settings.emplace_back("blocks", std::to_string(g.blocks));
  settings.emplace_back("nonces_per_launch", std::to_string(launch_size(g)));
  settings.emplace_back("streams", "2");
  settings.emplace_back("candidate_capacity", std::to_string(pipe.candidate_capacity()));
  settings.emplace_back("rescans", std::to_string(pipe.rescans()));
}

}  // namespace

MineResult search_range(int device, const MineRequest& request, const LaunchGeometry& geometry,
                        const PipelineOptions& options) {
  validate_range(request.start, request.count);
  const uint32_t top = request.target.top_word();
  const auto job = sha256d::make_job(request.header.bytes().data(), top);
  const uint64_t per_launch = launch_size(geometry);
  const uint32_t capacity = options.candidate_capacity != 0
                                ? options.candidate_capacity
                                : default_candidate_capacity(per_launch, top);
  SearchPipeline pipe(device, geometry, capacity, options);

  uint64_t offset = 0;  // 64-bit: a range may end at 2^32 exactly
  uint64_t tried = 0;
  MineResult checked;
  auto next = [&]() -> std::optional<Chunk> {
    if (offset >= request.count || cancelled(request.cancel)) return std::nullopt;
    const uint64_t n = std::min(per_launch, request.count - offset);
    Chunk c{job, static_cast<uint32_t>(request.start + offset), static_cast<uint32_t>(n), 0};
    offset += n;
    return c;
  };
  // Re-checked launch by launch (while the GPU runs the next one), so memory stays bounded.
  auto done = [&](const Chunk& c, std::span<const uint32_t> found) {
    tried += c.count;
    if (request.searched != nullptr)
      request.searched->fetch_add(c.count, std::memory_order_relaxed);
    verify_candidates(request, found, checked);
  };

  const measure::Stopwatch clock;
  pipe.run(next, done);
  const double seconds = clock.seconds();

  MineResult result;
  result.device = fmt::format("cuda:{}", device);
  result.variant = geometry.kernel->name;
  result.start = request.start;
  result.count = request.count;
  result.nonces_tried = tried;
  result.seconds = seconds;
  add_pipeline_settings(pipe, result.settings);
  merge_found(request, result, std::move(checked));
  return result;
}

SustainedResult run_for(int device, const MineRequest& base, std::chrono::duration<double> duration,
                        const LaunchGeometry& geometry, const PipelineOptions& options) {
  validate_range(base.start, base.count);
  const uint32_t top = base.target.top_word();
  const uint64_t per_launch = launch_size(geometry);
  const uint32_t capacity = options.candidate_capacity != 0
                                ? options.candidate_capacity
                                : default_candidate_capacity(per_launch, top);
  SearchPipeline pipe(device, geometry, capacity, options);

  HeaderRoller roller(base.header);
  std::optional<sha256d::Job> job;  // the current header's; none before the first chunk
  uint64_t roll = 0;
  uint64_t offset = base.count;  // "range used up", so the first call takes the first header
  SustainedResult result;

  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline =
      t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
  auto next = [&]() -> std::optional<Chunk> {
    if (cancelled(base.cancel) || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    if (offset >= base.count) {
      if (!roller.has_next()) return std::nullopt;
      roll = roller.given();
      job = sha256d::make_job(roller.next().bytes().data(), top);
      offset = 0;
      ++result.headers;
    }
    const uint64_t n = std::min(per_launch, base.count - offset);
    Chunk c{*job, static_cast<uint32_t>(base.start + offset), static_cast<uint32_t>(n), roll};
    offset += n;
    return c;
  };
  auto done = [&](const Chunk& c, std::span<const uint32_t> found) {
    result.nonces_tried += c.count;
    if (found.empty()) return;
    MineRequest request(rolled_header(base.header, static_cast<uint32_t>(c.tag)));
    request.target = base.target;
    MineResult checked;
    verify_candidates(request, found, checked);
    result.candidates += checked.candidates;
    result.mismatches += checked.mismatches;
    for (auto& f : checked.found) result.found.push_back({request.header.version(), std::move(f)});
  };

  pipe.run(next, done);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  add_pipeline_settings(pipe, result.settings);
  result.settings.emplace_back("version_mask", fmt::format("{:#010x}", bip320_version_mask));
  return result;
}

}  // namespace hashflop::cuda
