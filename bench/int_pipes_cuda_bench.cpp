// Integer-pipe throughput on the GPU: SHF, LOP3, IADD3, IMAD, IMAD.HI, and SHF beside IMAD or
// IMAD.HI (bench/int_pipes.cu). One launch is one full wave of blocks. Each block stamps its
// SM's clock64() around its loop, so the rate per SM is counted in that SM's own cycles, not in
// the clock the driver reports: inst_per_clk_per_sm is the median over SMs of instructions
// retired over (last block's end - first block's start). sm_clock_mhz is those cycles over the
// launch's event time, the clock the SMs actually ran at. items_per_second counts the
// instructions of interest (loop overhead, 3 of 131 per iteration, excluded).
// Names: int_pipes/<kind>. All seven take well under a second on an H100 or H200.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cuda/cuda_raii.hpp"
#include "int_pipes.cuh"

namespace hashflop::cuda {
namespace {

constexpr int kDevice = 0;
constexpr unsigned kThreads = 256;
// 512 x 128 = 65,536 instructions per thread. At 64 per clock per SM (the ALU pipe's 16 lanes
// in each of 4 sub-partitions) and 2,048 resident threads, that is ~2.1 M cycles, ~1 ms at
// 2 GHz: long beside launch overhead, short enough for 7 kernels x 6 launches in < 1 s even at
// a quarter of that rate.
constexpr uint32_t kIterations = 512;
constexpr uint32_t kMultiplier = 0x9e3779b9u;  // odd, so IMAD chains do not collapse to zero

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct SmSpan {
  long long first_start = 0, last_end = 0;
  uint64_t blocks = 0;
};

// Per SM: instructions retired by its blocks over the cycles from the first start to the last end.
std::vector<SmSpan> spans_by_sm(const std::vector<pipes::BlockClock>& clocks) {
  std::map<uint32_t, SmSpan> by_sm;
  for (const auto& c : clocks) {
    auto [it, fresh] = by_sm.try_emplace(c.sm, SmSpan{c.start, c.end, 0});
    it->second.first_start = std::min(it->second.first_start, c.start);
    it->second.last_end = std::max(it->second.last_end, c.end);
    ++it->second.blocks;
    (void)fresh;
  }
  std::vector<SmSpan> spans;
  for (const auto& [sm, span] : by_sm) spans.push_back(span);
  return spans;
}

void bench_pipe(benchmark::State& state, const pipes::PipeKernel* kernel) {
  if (const auto reason = cuda_unavailable_reason()) {
    state.SkipWithError(fmt::format("no CUDA device: {}", *reason).c_str());
    return;
  }
  try {
    DeviceScope scope(kDevice);
    int sms = 0, per_sm = 0;
    HF_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, kDevice));
    HF_CUDA_CHECK(kernel->occupancy(kThreads, &per_sm));
    const auto blocks = static_cast<unsigned>(sms * std::max(per_sm, 1));
    DeviceBuffer<uint32_t> sink(size_t{blocks} * kThreads);
    DeviceBuffer<pipes::BlockClock> clocks(blocks);
    std::vector<pipes::BlockClock> host(blocks);
    Stream stream;
    Event start, stop;
    const auto launch = [&] {
      HF_CUDA_CHECK(kernel->launch(blocks, kThreads, kIterations, 1, kMultiplier, sink.get(),
                                   clocks.get(), stream.get()));
    };
    launch();  // module load and clocks ramping stay out of the samples
    stream.synchronize();

    const double per_block =
        static_cast<double>(pipes::instructions_per_thread(kIterations)) * kThreads;
    std::vector<double> rates, mhz;
    double lowest = 0;
    size_t sms_seen = 0;
    for (auto _ : state) {
      start.record(stream.get());
      launch();
      stop.record(stream.get());
      stop.synchronize();
      const double seconds = stop.milliseconds_since(start) / 1e3;
      state.SetIterationTime(seconds);
      HF_CUDA_CHECK(cudaMemcpy(host.data(), clocks.get(), blocks * sizeof(pipes::BlockClock),
                               cudaMemcpyDeviceToHost));
      std::vector<double> sm_rates, cycles;
      for (const auto& s : spans_by_sm(host)) {
        const auto span = static_cast<double>(std::max(s.last_end - s.first_start, 1LL));
        sm_rates.push_back(per_block * static_cast<double>(s.blocks) / span);
        cycles.push_back(span);
      }
      sms_seen = sm_rates.size();
      lowest = *std::min_element(sm_rates.begin(), sm_rates.end());
      rates.push_back(median(sm_rates));
      mhz.push_back(median(cycles) / seconds / 1e6);
    }
    state.SetItemsProcessed(
        static_cast<int64_t>(static_cast<double>(state.iterations()) * per_block * blocks));
    state.counters["inst_per_clk_per_sm"] = median(rates);
    state.counters["inst_per_clk_per_sm_min"] = lowest;  // the slowest SM of the last launch
    state.counters["sm_clock_mhz"] = median(mhz);
    state.counters["sms"] = static_cast<double>(sms_seen);
    state.SetLabel(fmt::format("{} blocks x {} threads, SASS {}", blocks, kThreads, kernel->sass));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

const bool registered = [] {
  for (auto* k = pipes::pipe_kernels_begin(); k != pipes::pipe_kernels_end(); ++k) {
    benchmark::RegisterBenchmark(fmt::format("int_pipes/{}", k->name).c_str(), bench_pipe, k)
        ->UseManualTime()
        ->Iterations(5)
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
}  // namespace hashflop::cuda
