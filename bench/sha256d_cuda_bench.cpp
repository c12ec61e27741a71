// CUDA sha256d: kernel-only throughput per launch geometry, timed with cudaEvents, and the
// whole pipeline (two streams, copies, host verification) as `hashflop mine` runs it.
// items_per_second = nonces per second. Names: sha256d/cuda/<kernel>/kernel/<geometry>, and
// sha256d/cuda/pipeline/<geometry> for the whole search path.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "bitcoin/target.hpp"
#include "cuda/cuda_raii.hpp"
#include "mine/cuda_autotune.hpp"
#include "mine/cuda_search.hpp"
#include "mine/known_headers.hpp"
#include "sha256d_search.cuh"

namespace hashflop::cuda {
namespace {

constexpr int kDevice = 0;

bool skip_without_device(benchmark::State& state) {
  if (const auto reason = cuda_unavailable_reason()) {
    state.SkipWithError(fmt::format("no CUDA device: {}", *reason).c_str());
    return true;
  }
  return false;
}

MineRequest genesis_request() {
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.target = bitcoin::target_from_bits(req.header.bits());  // real candidate rate
  return req;
}

// One full launch per iteration; the time is the GPU's, between two events around the launch.
void bench_kernel(benchmark::State& state, const Sha256dKernel* kernel, unsigned threads_per_block,
                  unsigned nonces_per_thread) {
  if (skip_without_device(state)) return;
  try {
    const auto req = genesis_request();
    const auto job = sha256d::make_job(req.header.bytes().data(), req.target.top_word());
    const auto g = plan_geometry(kDevice, *kernel, threads_per_block, nonces_per_thread);
    const auto n =
        static_cast<uint32_t>(std::min<uint64_t>(g.nonces_per_launch(), uint64_t{1} << 31));
    DeviceScope scope(kDevice);
    constexpr uint32_t capacity = 1024;
    DeviceBuffer<unsigned char> out(search_output_bytes(capacity));
    auto* header = reinterpret_cast<SearchOutput*>(out.get());
    Stream stream;
    Event start, stop;
    uint32_t first = 0;
    uint64_t nonces = 0;
    for (auto _ : state) {
      HF_CUDA_CHECK(cudaMemsetAsync(header, 0, sizeof(SearchOutput), stream.get()));
      start.record(stream.get());
      HF_CUDA_CHECK(launch_sha256d_search(*g.kernel, job, first, n, g.threads_per_block,
                                          g.nonces_per_thread, header, capacity, stream.get()));
      stop.record(stream.get());
      stop.synchronize();
      state.SetIterationTime(stop.milliseconds_since(start) / 1e3);
      nonces += n;
      first = static_cast<uint32_t>((uint64_t{first} + n) % ((uint64_t{1} << 32) - n));
    }
    state.SetItemsProcessed(static_cast<int64_t>(nonces));
    state.SetLabel(g.label());
    state.counters["threads_per_block"] = g.threads_per_block;
    state.counters["nonces_per_thread"] = g.nonces_per_thread;
    state.counters["blocks"] = g.blocks;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// The whole pipeline over 2^30 nonces: launches, copies and host verification included, so the
// iteration time is search_range's own wall clock rather than events around one launch.
void bench_pipeline(benchmark::State& state) {
  if (skip_without_device(state)) return;
  try {
    auto req = genesis_request();
    req.count = uint64_t{1} << 30;
    const auto g = plan_geometry(kDevice, sha256d_kernels().front(), 0, 0);
    uint64_t nonces = 0;
    for (auto _ : state) {
      const auto r = search_range(kDevice, req, g);
      state.SetIterationTime(r.seconds);
      nonces += r.nonces_tried;
      req.start = static_cast<uint32_t>((uint64_t{req.start} + req.count) % (uint64_t{1} << 31));
    }
    state.SetItemsProcessed(static_cast<int64_t>(nonces));
    state.SetLabel(g.label());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

const bool registered = [] {
  // 0 = the occupancy API's block size.
  for (const auto& kernel : sha256d_kernels()) {
    for (unsigned tpb : {0u, 128u, 256u, 512u}) {
      for (unsigned npt : {16u, 64u, 256u}) {
        const auto name =
            fmt::format("sha256d/cuda/{}/kernel/tpb:{}/npt:{}", kernel.name,
                        tpb == 0 ? std::string("occupancy") : std::to_string(tpb), npt);
        benchmark::RegisterBenchmark(name.c_str(), bench_kernel, &kernel, tpb, npt)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
  benchmark::RegisterBenchmark("sha256d/cuda/pipeline/tpb:occupancy/npt:64", bench_pipeline)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(5);
  return true;
}();

}  // namespace
}  // namespace hashflop::cuda
