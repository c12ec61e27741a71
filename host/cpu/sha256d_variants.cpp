#include "cpu/sha256d_variants.hpp"

#include <array>

#include <fmt/format.h>

#include "common/array_concat.hpp"
#include "common/error.hpp"

namespace hashflop::cpu {
namespace {

// Ordered slowest to fastest; "best" is the last one the CPU supports. Only the target
// architecture's kernels are compiled and listed: a name from the other one is unknown here.
constexpr std::array portable{
    Sha256dVariant{"scalar", "one nonce at a time, portable C++", 1,
                   [](const CpuFeatures&) { return true; }, "nothing", search_scalar},
};

#if defined(__x86_64__)
// As measured by bench/sha256d_cpu_bench on an AMD EPYC (Zen 4).
constexpr std::array for_this_arch{
    Sha256dVariant{"avx2", "8 nonces per 256-bit vector", 8,
                   [](const CpuFeatures& f) { return f.avx2; }, "AVX2", search_avx2},
    Sha256dVariant{"avx512", "16 nonces per 512-bit vector", 16,
                   [](const CpuFeatures& f) { return f.avx512f && f.avx512vl; },
                   "AVX-512F and AVX-512VL", search_avx512},
    Sha256dVariant{"shani", "x86 SHA extensions, 3 nonces interleaved", 3,
                   [](const CpuFeatures& f) { return f.sha && f.avx2; }, "SHA-NI and AVX2",
                   search_shani},
    Sha256dVariant{"shani-avx512",
                   "SHA-NI rounds, message schedule in AVX-512VL vectors, 8 nonces interleaved", 8,
                   [](const CpuFeatures& f) { return f.sha && f.avx512f && f.avx512vl; },
                   "SHA-NI, AVX-512F and AVX-512VL", search_shani_avx512},
};
#elif defined(__aarch64__)
// Not measured on hardware yet: ordered by instructions per nonce (docs/performance.md).
constexpr std::array for_this_arch{
    Sha256dVariant{"neon", "4 nonces per 128-bit NEON vector", 4,
                   [](const CpuFeatures& f) { return f.asimd; }, "Advanced SIMD (NEON)",
                   search_neon},
    Sha256dVariant{"sha2", "Armv8 SHA-2 instructions, 3 nonces interleaved", 3,
                   [](const CpuFeatures& f) { return f.sha2; }, "the Armv8 SHA-2 instructions",
                   search_sha2},
};
#endif

constexpr auto variants = concat(portable, for_this_arch);

}  // namespace

std::span<const Sha256dVariant> sha256d_variants() {
  return variants;
}

const Sha256dVariant& sha256d_variant(std::string_view name, const CpuFeatures& features) {
  for (const auto& v : variants) {
    if (v.name != name) continue;
    if (!v.supported(features)) {
      throw DeviceError(
          fmt::format("variant '{}' needs {}, which this CPU lacks", name, v.requires_text));
    }
    return v;
  }
  std::string runnable;
  for (const auto& v : variants) {
    if (v.supported(features)) runnable += (runnable.empty() ? "" : ", ") + std::string(v.name);
  }
  throw UsageError(fmt::format("unknown variant '{}' (this CPU runs: {})", name, runnable));
}

const Sha256dVariant& best_sha256d_variant(const CpuFeatures& features) {
  const Sha256dVariant* best = &variants.front();
  for (const auto& v : variants) {
    if (v.supported(features)) best = &v;
  }
  return *best;
}

std::string sha256d_variant_names() {
  std::string names;
  for (const auto& v : variants) {
    if (!names.empty()) names += ", ";
    names += v.name;
  }
  return names;
}

}  // namespace hashflop::cpu
