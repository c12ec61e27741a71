// One benchmark per CUDA GEMM variant (ours and cuBLAS) and dtype it computes, at 4096^3 and
// 8192^3. Each iteration is one product timed between two CUDA events on the executor's stream
// (UseManualTime), so host overhead is excluded; items_per_second = FLOP/s (2 m n k per
// product). Operand sets rotate through more than the GPU's L2, so no product finds its inputs
// cached. Names: gemm/cuda/<variant>/<dtype>/<m>x<n>x<k>.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_variants.hpp"

namespace hashflop::gemm {
namespace {

constexpr Dtype kDtypes[] = {Dtype::fp32, Dtype::tf32, Dtype::bf16, Dtype::fp16};

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
    const GemmShape shape{size, size, size};
    const auto elems = static_cast<size_t>(size * size);
    auto exec = variant->prepare({shape, dtype, 1.0f, 0.0f, 0});
    // Sets of fp32 A, B, C on the host; on the device they are as large or smaller (bf16/fp16
    // A and B), so 1.5x the L2 in fp32 terms is at least the L2 on the device.
    const uint64_t l2 = std::max<uint64_t>(exec->cache_bytes(), 1);
    const auto sets = static_cast<size_t>(std::max<uint64_t>(2, l2 * 3 / 2 / (12 * elems) + 1));
    std::vector<std::vector<float>> storage;
    std::vector<HostOperands> views;
    storage.reserve(3 * sets);  // the references below must survive later emplace_backs
    for (size_t s = 0; s < sets; ++s) {
      auto& a = storage.emplace_back(elems);
      auto& b = storage.emplace_back(elems);
      auto& c = storage.emplace_back(elems, std::numeric_limits<float>::quiet_NaN());
      fill_random(a, 2 * s + 1);
      fill_random(b, 2 * s + 2);
      views.push_back({a.data(), b.data(), c.data()});
    }
    exec->bind(views);
    exec->run(0);  // warm-up: module load, cuBLAS heuristics, clocks ramping
    exec->synchronize();
    size_t next = 1 % sets;
    for (auto _ : state) {
      exec->start_timer();
      exec->run(next);
      state.SetIterationTime(exec->stop_timer().value_or(0.0));
      next = (next + 1) % sets;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                            static_cast<int64_t>(shape.flops()));
    state.counters["input_sets"] = static_cast<double>(sets);
    state.SetLabel(exec->settings());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Registers each (variant, dtype) pair the variant computes; on a machine without a GPU (or
// without cuBLAS) those are the pairs whose only reason is the missing one, and they skip saying
// so.
const bool registered = [] {
  for (const auto& v : gemm_variants()) {
    if (v.device != DeviceKind::cuda) continue;
    for (Dtype d : kDtypes) {
      const auto why = v.unavailable(d);
      const bool device_only =
          why.rfind("no CUDA device", 0) == 0 || why.rfind("cuBLAS not loaded", 0) == 0;
      if (!why.empty() && !device_only) continue;
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
