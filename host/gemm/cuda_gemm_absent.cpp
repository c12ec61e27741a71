// A build without CUDA has no CUDA GEMM variants: the registry is the CPU table alone.
#include "gemm/gemm_variants.hpp"

namespace hashflop::gemm {

std::span<const GemmVariant> cuda_gemm_variants() {
  return {};
}

uint64_t cuda_device_memory_bytes(int /*index*/) {
  return 0;
}

}  // namespace hashflop::gemm
