// The CUDA nonce-search driver: splits work into launches, keeps the GPU fed from two streams,
// recovers every candidate (rescanning launches whose buffer overflowed) and verifies them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/measure.hpp"
#include "mine/mine_types.hpp"
#include "sha256d_job.hpp"
#include "sha256d_search.cuh"

namespace hashflop::cuda {

/// How one full launch is shaped. A launch of fewer nonces (a range's tail) uses exactly the
/// blocks it needs; see search_blocks().
struct LaunchGeometry {
  const Sha256dKernel* kernel = &sha256d_kernels().front();
  unsigned threads_per_block = 0;
  unsigned nonces_per_thread = 0;
  unsigned blocks = 0;  ///< blocks of a full launch

  uint64_t nonces_per_launch() const {
    return uint64_t{threads_per_block} * nonces_per_thread * blocks;
  }
  /// "cuda/tpb256_npt64_b16896", for benchmark names and logs.
  std::string label() const;
};

/// One launch's worth of work.
struct Chunk {
  sha256d::Job job;
  uint32_t first = 0;
  uint32_t count = 0;  ///< at most 2^31 (launch_sha256d_search's limit)
  uint64_t tag = 0;    ///< the caller's, e.g. which header the job belongs to
};

struct PipelineOptions {
  /// Candidate slots per launch; 0 sizes them from the target (twice the expected hits).
  uint32_t candidate_capacity = 0;
  /// The largest buffer a rescan allocates; a launch with more hits is split in halves.
  uint32_t max_rescan_capacity = uint32_t{1} << 24;
};

/// Candidate slots for launches of `nonces_per_launch` nonces against `target_top`: room for
/// twice the expected hits, at least 256 and at most 2^20.
uint32_t default_candidate_capacity(uint64_t nonces_per_launch, uint32_t target_top);

/// Runs chunks on one device with two launches in flight, so the GPU works on chunk i+1 while
/// the host reads chunk i. Candidates are never lost: a launch whose buffer overflowed is
/// rescanned (on a third stream) with a buffer as large as its exact hit count.
class SearchPipeline {
 public:
  SearchPipeline(int device, LaunchGeometry geometry, uint32_t candidate_capacity,
                 PipelineOptions options = {});
  ~SearchPipeline();
  SearchPipeline(const SearchPipeline&) = delete;
  SearchPipeline& operator=(const SearchPipeline&) = delete;

  using Source = std::function<std::optional<Chunk>()>;
  using Sink = std::function<void(const Chunk&, std::span<const uint32_t> candidates)>;

  /// Launches chunks from `next` until it returns nullopt, and hands each finished chunk with
  /// all its candidates (unsorted) to `done`, in launch order. Throws DeviceError if a launch
  /// reports testing a different number of nonces than it was given.
  void run(const Source& next, const Sink& done);

  const LaunchGeometry& geometry() const { return geometry_; }
  uint32_t candidate_capacity() const { return capacity_; }
  /// Rescan passes run after overflows (a split rescan counts each pass), over its lifetime.
  uint64_t rescans() const { return rescans_; }

 private:
  struct Impl;
  int device_;
  LaunchGeometry geometry_;
  uint32_t capacity_;
  PipelineOptions options_;
  uint64_t rescans_ = 0;
  std::unique_ptr<Impl> impl_;
};

/// Searches request's range on `device`: the CUDA counterpart of cpu::search_range. Stops early
/// (with nonces_tried exact) when request.cancel is set. Verifies every candidate on the host.
MineResult search_range(int device, const MineRequest& request, const LaunchGeometry& geometry,
                        const PipelineOptions& options = {});

/// A nonce meeting the target in one of a long run's rolled headers.
struct SustainedFind {
  int32_t version = 0;  ///< the rolled header's version
  FoundNonce found;
};

struct SustainedResult {
  uint64_t nonces_tried = 0;
  uint64_t headers = 0;  ///< distinct headers (BIP 320 rolls) whose nonces were searched
  double seconds = 0;
  uint64_t candidates = 0;
  uint64_t mismatches = 0;
  std::vector<SustainedFind> found;
  std::vector<std::pair<std::string, std::string>> settings;

  double hashes_per_second() const {
    return measure::Trial{static_cast<double>(nonces_tried), seconds}.rate();
  }
};

/// Real mining for `duration`: searches [base.start, base.start + base.count) of base.header,
/// then of each BIP 320 version roll in turn, with no pause at header changes (the job travels
/// with each launch). Stops launching at the deadline, on base.cancel, or when the rolls run
/// out, then drains what is in flight; nonces_tried counts exactly what was searched.
SustainedResult run_for(int device, const MineRequest& base, std::chrono::duration<double> duration,
                        const LaunchGeometry& geometry, const PipelineOptions& options = {});

}  // namespace hashflop::cuda
