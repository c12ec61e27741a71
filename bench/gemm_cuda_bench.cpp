// One benchmark per CUDA GEMM variant (ours and cuBLAS) and dtype it computes, at 4096^3 and
// 8192^3. Each iteration is one product timed between two CUDA events on the executor's stream
// (UseManualTime), so host overhead is excluded; items_per_second = FLOP/s (2 m n k per
// product). Operand sets rotate through more than the GPU's L2, so no product finds its inputs
// cached. Names: gemm/cuda/<variant>/<dtype>/<m>x<n>x<k>.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "gemm/gemm_runner.hpp"

namespace hashflop::gemm {
namespace {

void bench_gemm(benchmark::State& state, const GemmVariant* variant, Dtype dtype, int64_t size) {
  if (const auto reason = cuda_unavailable_reason()) {
    state.SkipWithError(fmt::format("no CUDA device: {}", *reason).c_str());
    return;
  }
  if (auto why = variant->unavailable(dtype); !why.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  try {
    GemmRunRequest req;
    req.shape = {size, size, size};
    req.dtype = dtype;
    req.seed = 1;
    req.device = {DeviceKind::cuda, 0};
    PreparedGemm gemm(*variant, req);
    auto& exec = gemm.executor();
    gemm.run_once(0);  // warm-up: module load, cuBLAS heuristics, clocks ramping
    size_t next = 1 % gemm.sets();
    for (auto _ : state) {
      exec.start_timer();
      exec.run(next);
      state.SetIterationTime(exec.stop_timer().value_or(0.0));
      next = (next + 1) % gemm.sets();
    }
    const GemmShape& shape = req.shape;
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                            static_cast<int64_t>(shape.flops()));
    state.counters["input_sets"] = static_cast<double>(gemm.sets());
    state.SetLabel(exec.settings());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Registers each (variant, dtype) pair the variant computes; on a machine without a GPU or
// without cuBLAS they skip with the reason.
const bool registered = [] {
  for (const auto& v : gemm_variants()) {
    if (v.device != DeviceKind::cuda) continue;
    for (Dtype d : all_dtypes) {
      if (!v.takes(d)) continue;
      for (int64_t size : {4096, 8192}) {
        benchmark::RegisterBenchmark(
            fmt::format("gemm/cuda/{}/{}/{}x{}x{}", v.name, dtype_name(d), size, size, size)
                .c_str(),
            bench_gemm, &v, d, size)
            ->Unit(benchmark::kMillisecond)
            ->UseManualTime()
            ->MinTime(1.0);
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace hashflop::gemm
