// The registry of CPU sha256d kernels. Adding a variant means one kernel file and one line in
// sha256d_variants.cpp; nothing else names them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cpu/cpu_info.hpp"
#include "sha256d_cpu.hpp"

namespace hashflop::cpu {

struct Sha256dVariant {
  std::string_view name;
  std::string_view description;
  int lanes;  ///< nonces per kernel step
  bool (*supported)(const CpuFeatures&);
  std::string_view requires_text;  ///< what `supported` checks, for skip and error messages
  SearchFn search;
};

/// Every variant compiled in (this architecture's), slowest first.
std::span<const Sha256dVariant> sha256d_variants();

/// The named variant; throws UsageError, listing the variants this CPU runs, if this build has
/// no such name (a name from the other architecture included), DeviceError if this CPU cannot
/// run it.
const Sha256dVariant& sha256d_variant(std::string_view name, const CpuFeatures& features);

/// The fastest variant this CPU supports (measured order, see the sha256d benchmark).
const Sha256dVariant& best_sha256d_variant(const CpuFeatures& features);

/// Names of every variant, comma separated, for help and error text.
std::string sha256d_variant_names();

}  // namespace hashflop::cpu
