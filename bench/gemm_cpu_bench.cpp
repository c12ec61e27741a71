// One benchmark per CPU GEMM variant (ours and OpenBLAS side by side) at 1024^3 and 2048^3, on
// one thread and on all cores. items_per_second = FLOP/s (2 m n k per product). Operands rotate
// through sets larger than L3 (see gemm_runner), so cached repeats cannot inflate the rate.
// Run OpenBLAS on its own kernel choice:
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./build/dev/hashflop_bench --benchmark_filter=gemm
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "cpu/cpu_info.hpp"
#include "gemm/gemm_runner.hpp"

namespace hashflop::gemm {
namespace {

void bench_gemm(benchmark::State& state, const GemmVariant* variant, int64_t size,
                unsigned threads) {
  if (auto why = variant->unavailable(Dtype::fp32); !why.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  GemmRunRequest req;
  req.shape = {size, size, size};
  req.threads = threads;
  req.seed = 1;
  PreparedGemm gemm(*variant, req);
  auto& exec = gemm.executor();
  gemm.run_once(0);  // warm-up: threads, page faults, OpenBLAS's buffers
  size_t next = 1;
  for (auto _ : state) {
    exec.run(next);
    exec.synchronize();
    next = (next + 1) % gemm.sets();
  }
  const GemmShape& shape = req.shape;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(shape.flops()));
  state.counters["threads"] = threads;
  state.SetLabel(exec.settings());
}

const bool registered = [] {
  const unsigned all = cpu::cpu_info().logical_cores;
  for (const auto& v : gemm_variants()) {
    if (v.device != DeviceKind::cpu) continue;
    for (int64_t size : {1024, 2048}) {
      for (unsigned threads : {1u, all}) {
        if (threads == all && all == 1) continue;
        benchmark::RegisterBenchmark(
            fmt::format("gemm/cpu/{}/fp32/{}x{}x{}/threads:{}", v.name, size, size, size, threads)
                .c_str(),
            bench_gemm, &v, size, threads)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinTime(1.0);
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace hashflop::gemm
