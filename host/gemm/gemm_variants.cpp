#include "gemm/gemm_variants.hpp"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "common/array_concat.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/cpu_gemm.hpp"
#include "gemm/cuda_gemm.hpp"

namespace hashflop::gemm {
namespace {

namespace gk = gemm_kernels;

// The CPU kernels compute in fp32 only: there is no tf32 on x86, and the AVX-512 BF16/FP16
// dot-product instructions would be separate kernels. Say so rather than drop the row.
std::string cpu_dtype_reason(Dtype dtype) {
  if (dtype == Dtype::fp32) return {};
  return fmt::format("{} GEMM is not implemented on the CPU (fp32 only)", dtype_name(dtype));
}

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

template <gk::SgemmRangeFn Kernel, const gk::MicroTile& Tile>
std::unique_ptr<GemmExecutor> prepare_tiled(const GemmProblemSpec& spec) {
  const unsigned threads = spec.threads != 0 ? spec.threads : cpu::cpu_info().logical_cores;
  const auto blk = cpu_blocking(Tile, threads, cpu::cpu_info().caches);
  return std::make_unique<CpuExecutor>(
      spec, [](const gk::SgemmProblem& p, unsigned t) { sgemm_tiled(p, Kernel, Tile, t); },
      fmt::format("tile={}x{} mc={} kc={} nc={}", Tile.mr, Tile.nr, blk.mc, blk.kc, blk.nc));
}

std::unique_ptr<GemmExecutor> prepare_openblas(const GemmProblemSpec& spec) {
  return std::make_unique<CpuExecutor>(spec, sgemm_openblas, openblas_description());
}

std::string needs(bool ok, std::string_view what, Dtype dtype) {
  if (!ok) return fmt::format("this CPU lacks {}", what);
  return cpu_dtype_reason(dtype);
}

// A CUDA entry: the kind decides both the dtype check and the executor.
template <CudaGemmKind Kind>
std::string cuda_unavailable(Dtype dtype) {
  return cuda_gemm_unavailable(Kind, dtype);
}
template <CudaGemmKind Kind>
std::unique_ptr<GemmExecutor> prepare_cuda(const GemmProblemSpec& spec) {
  return prepare_cuda_gemm(Kind, spec);
}

// Only the target architecture's CPU kernels are compiled and listed.
#if defined(__x86_64__)
constexpr std::array cpu_tiled{
    GemmVariant{"avx2", "tiled", DeviceKind::cpu, "packed panels, 6x16 AVX2+FMA micro-kernel",
                [](Dtype d) {
                  const auto& f = cpu::cpu_info().features;
                  return needs(f.avx2 && f.fma, "AVX2 and FMA", d);
                },
                prepare_tiled<gk::sgemm_range_avx2, gk::avx2_tile>},
    GemmVariant{"avx512", "tiled", DeviceKind::cpu, "packed panels, 12x32 AVX-512F micro-kernel",
                [](Dtype d) {
                  const auto& f = cpu::cpu_info().features;
                  return needs(f.avx512f && f.fma, "AVX-512F and FMA", d);
                },
                prepare_tiled<gk::sgemm_range_avx512, gk::avx512_tile>},
};
#elif defined(__aarch64__)
constexpr std::array cpu_tiled{
    GemmVariant{"neon", "tiled", DeviceKind::cpu, "packed panels, 8x12 NEON micro-kernel",
                [](Dtype d) { return needs(cpu::cpu_info().features.asimd, "Advanced SIMD", d); },
                prepare_tiled<gk::sgemm_range_neon, gk::neon_tile>},
};
#endif

constexpr std::array vendor_and_cuda{
    GemmVariant{"openblas", "vendor", DeviceKind::cpu, "OpenBLAS cblas_sgemm",
                [](Dtype d) { return cpu_dtype_reason(d); }, prepare_openblas},
    GemmVariant{"cuda-simt", "tiled", DeviceKind::cuda,
                "fp32 SIMT, 128x128x8 CTA tile, 64x32 warp tile, 8x8 per thread, cp.async double "
                "buffer",
                cuda_unavailable<CudaGemmKind::simt>, prepare_cuda<CudaGemmKind::simt>},
    GemmVariant{"cuda-mma", "tiled", DeviceKind::cuda,
                "bf16/fp16 mma.sync m16n8k16 + ldmatrix, 128x128x32 CTA tile, 3-stage cp.async",
                cuda_unavailable<CudaGemmKind::mma>, prepare_cuda<CudaGemmKind::mma>},
    GemmVariant{"cublas-sgemm", "vendor", DeviceKind::cuda, "cuBLAS cublasSgemm (fp32)",
                cuda_unavailable<CudaGemmKind::cublas_sgemm>,
                prepare_cuda<CudaGemmKind::cublas_sgemm>},
    GemmVariant{"cublas-tf32", "vendor", DeviceKind::cuda,
                "cuBLAS cublasGemmEx, fp32 operands, CUBLAS_COMPUTE_32F_FAST_TF32",
                cuda_unavailable<CudaGemmKind::cublas_tf32>,
                prepare_cuda<CudaGemmKind::cublas_tf32>},
    GemmVariant{"cublas-gemmex", "vendor", DeviceKind::cuda,
                "cuBLAS cublasGemmEx, bf16/fp16 operands, CUBLAS_COMPUTE_32F",
                cuda_unavailable<CudaGemmKind::cublas_gemmex>,
                prepare_cuda<CudaGemmKind::cublas_gemmex>},
};

constexpr auto variants = concat(cpu_tiled, vendor_and_cuda);

}  // namespace

std::span<const GemmVariant> gemm_variants() {
  return variants;
}

const GemmVariant* find_gemm_variant(std::string_view name) {
  for (const auto& v : variants) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string gemm_variant_names() {
  std::string names;
  for (const auto& v : variants) {
    if (!names.empty()) names += ", ";
    names += v.name;
  }
  return names;
}

}  // namespace hashflop::gemm
