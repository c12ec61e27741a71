#include "gemm/gemm_variants.hpp"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "common/array_concat.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/cpu_gemm.hpp"
#include "gemm_stream.hpp"

namespace hashflop::gemm {
namespace {

namespace gk = gemm_kernels;

gk::SgemmProblem sgemm_problem(const GemmProblemSpec& spec, const HostOperands& ops) {
  const GemmShape& s = spec.shape;
  return {s.m, s.n, s.k, spec.alpha, spec.beta, ops.a, s.k, ops.b, s.n, ops.c, s.n};
}

// Host-memory executor: the operands are used in place, and run() completes before returning.
class CpuExecutor : public GemmExecutor {
 public:
  using Compute = void (*)(const gk::SgemmProblem&, unsigned threads);
  CpuExecutor(const GemmProblemSpec& spec, Compute compute, std::string settings)
      : spec_(spec), compute_(compute), settings_(std::move(settings)) {}
  void bind(std::span<const HostOperands> sets) override { sets_.assign(sets.begin(), sets.end()); }
  void run(size_t index) override {
    compute_(sgemm_problem(spec_, sets_.at(index)), spec_.threads);
  }
  std::string settings() const override { return settings_; }

 private:
  GemmProblemSpec spec_;
  Compute compute_;
  std::string settings_;
  std::vector<HostOperands> sets_;
};

// Runs a tiled kernel with the blocking it was prepared with.
class CpuTiledExecutor : public GemmExecutor {
 public:
  CpuTiledExecutor(const GemmProblemSpec& spec, const TiledCpuKernel& kernel, gk::GemmBlocking blk)
      : spec_(spec), kernel_(kernel), blk_(blk) {}
  void bind(std::span<const HostOperands> sets) override { sets_.assign(sets.begin(), sets.end()); }
  void run(size_t index) override {
    sgemm_tiled(sgemm_problem(spec_, sets_.at(index)), kernel_.range, kernel_.tile, spec_.threads,
                blk_);
  }
  std::string settings() const override {
    return fmt::format("tile={}x{} {}", kernel_.tile.mr, kernel_.tile.nr, blocking_text(blk_));
  }

 private:
  GemmProblemSpec spec_;
  TiledCpuKernel kernel_;
  gk::GemmBlocking blk_;
  std::vector<HostOperands> sets_;
};

template <const TiledCpuKernel& Kernel>
std::unique_ptr<GemmExecutor> prepare_cpu_tiled(const GemmProblemSpec& spec) {
  const unsigned threads = spec.threads != 0 ? spec.threads : cpu::cpu_info().logical_cores;
  const auto blk =
      spec.blocking.value_or(cpu_blocking(Kernel.tile, threads, cpu::cpu_info().caches));
  return std::make_unique<CpuTiledExecutor>(spec, Kernel,
                                            fit_blocking(blk, Kernel.tile, spec.shape));
}

template <gk::SgemmColumnsFn Kernel>
std::unique_ptr<GemmExecutor> prepare_stream(const GemmProblemSpec& spec) {
  return std::make_unique<CpuExecutor>(
      spec, [](const gk::SgemmProblem& p, unsigned t) { sgemm_stream(p, Kernel, t); },
      fmt::format("rows={} strip={} floats, B read in place", gk::stream_rows,
                  gk::stream_strip_floats));
}

std::unique_ptr<GemmExecutor> prepare_openblas(const GemmProblemSpec& spec) {
  return std::make_unique<CpuExecutor>(spec, sgemm_openblas, openblas_description());
}

// The CPU kernels compute in fp32 only: there is no tf32 on x86, and the AVX-512 BF16/FP16
// dot-product instructions would be separate kernels with their own registry lines.
constexpr unsigned cpu_dtypes = dtype_bit(Dtype::fp32);

// Only the target architecture's CPU kernels are compiled and listed.
#if defined(__x86_64__)
constexpr TiledCpuKernel avx2_kernel{gk::sgemm_range_avx2, gk::avx2_tile};
constexpr TiledCpuKernel avx512_kernel{gk::sgemm_range_avx512, gk::avx512_tile};
constexpr std::array cpu_tiled{
    GemmVariant{"avx2", "tiled", DeviceKind::cpu, "packed panels, 6x16 AVX2+FMA micro-kernel",
                cpu_dtypes,
                [] {
                  const auto& f = cpu::cpu_info().features;
                  return f.avx2 && f.fma ? std::string() : "this CPU lacks AVX2 and FMA";
                },
                prepare_cpu_tiled<avx2_kernel>, /*square=*/true, &avx2_kernel},
    GemmVariant{"avx512", "tiled", DeviceKind::cpu,
                "packed panels, 12x32 AVX-512F micro-kernel, A sliver in L1", cpu_dtypes,
                [] {
                  const auto& f = cpu::cpu_info().features;
                  return f.avx512f && f.fma ? std::string() : "this CPU lacks AVX-512F and FMA";
                },
                prepare_cpu_tiled<avx512_kernel>, /*square=*/true, &avx512_kernel},
    // For skinny products (transformer decode), where packing B would double the traffic.
    GemmVariant{"stream-avx2", "tiled", DeviceKind::cpu,
                "B read in place, 8 rows of A per pass, AVX2+FMA (skinny products)", cpu_dtypes,
                [] {
                  const auto& f = cpu::cpu_info().features;
                  return f.avx2 && f.fma ? std::string() : "this CPU lacks AVX2 and FMA";
                },
                prepare_stream<gk::sgemm_stream_avx2>, /*square=*/false},
    GemmVariant{"stream-avx512", "tiled", DeviceKind::cpu,
                "B read in place, 8 rows of A per pass, AVX-512F (skinny products)", cpu_dtypes,
                [] {
                  const auto& f = cpu::cpu_info().features;
                  return f.avx512f && f.fma ? std::string() : "this CPU lacks AVX-512F and FMA";
                },
                prepare_stream<gk::sgemm_stream_avx512>, /*square=*/false},
};
#elif defined(__aarch64__)
constexpr TiledCpuKernel neon_kernel{gk::sgemm_range_neon, gk::neon_tile};
constexpr std::array cpu_tiled{
    GemmVariant{
        "neon", "tiled", DeviceKind::cpu, "packed panels, 8x12 NEON micro-kernel", cpu_dtypes,
        [] {
          return cpu::cpu_info().features.asimd ? std::string() : "this CPU lacks Advanced SIMD";
        },
        prepare_cpu_tiled<neon_kernel>, /*square=*/true, &neon_kernel},
};
#endif

constexpr std::array cpu_vendor{
    GemmVariant{"openblas", "vendor", DeviceKind::cpu, "OpenBLAS cblas_sgemm", cpu_dtypes, nullptr,
                prepare_openblas},
};

constexpr auto cpu_variants = concat(cpu_tiled, cpu_vendor);

}  // namespace

std::span<const GemmVariant> gemm_variants() {
  static const std::vector<GemmVariant> all = [] {
    std::vector<GemmVariant> v(cpu_variants.begin(), cpu_variants.end());
    const auto cuda = cuda_gemm_variants();
    v.insert(v.end(), cuda.begin(), cuda.end());
    return v;
  }();
  return all;
}

std::string GemmVariant::unavailable(Dtype dtype) const {
  if (!takes(dtype)) {
    std::string takes_list, others;
    for (const Dtype d : all_dtypes) {
      if (takes(d)) takes_list += (takes_list.empty() ? "" : ", ") + std::string(dtype_name(d));
    }
    for (const auto& v : gemm_variants()) {
      if (v.device == device && v.takes(dtype))
        others += (others.empty() ? "" : ", ") + std::string(v.name);
    }
    return fmt::format(
        "{} does not take {} (it takes {}); {}", name, dtype_name(dtype), takes_list,
        others.empty() ? fmt::format("no {} variant takes {}",
                                     device == DeviceKind::cpu ? "CPU" : "CUDA", dtype_name(dtype))
                       : fmt::format("for {} use {}", dtype_name(dtype), others));
  }
  return missing != nullptr ? missing() : std::string();
}

const GemmVariant* find_gemm_variant(std::string_view name) {
  for (const auto& v : gemm_variants()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace hashflop::gemm
