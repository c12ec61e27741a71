// The kinds of workload hashflop measures, as Verdict is its kinds of verdict: code compares the
// enum, and the name is spelled only where it crosses an edge (the command line, a results file,
// a table). A kind's workloads are made by its line in workload/registry.cpp.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace hashflop {

enum class WorkloadKind {
  sha256d,      ///< double-SHA-256 nonce search, in hashes
  gemm,         ///< matrix products, in FLOPs
  transformer,  ///< a decoder layer's products per phase, in tokens (and a memory copy, in bytes)
};

/// Every kind with its name, in the order `--workloads` lists them.
inline constexpr auto workload_kinds = std::to_array<std::pair<WorkloadKind, std::string_view>>({
    {WorkloadKind::sha256d, "sha256d"},
    {WorkloadKind::gemm, "gemm"},
    {WorkloadKind::transformer, "transformer"},
});

constexpr std::string_view to_string(WorkloadKind kind) {
  for (const auto& [k, name] : workload_kinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

/// The kind spelled `text`, or nullopt for anything else.
constexpr std::optional<WorkloadKind> parse_workload_kind(std::string_view text) {
  for (const auto& [k, name] : workload_kinds) {
    if (name == text) return k;
  }
  return std::nullopt;
}

/// "sha256d, gemm, transformer": what an error about an unknown kind lists.
inline std::string workload_kind_names() {
  std::string names;
  for (const auto& [kind, name] : workload_kinds) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

}  // namespace hashflop

/// Tables and messages print a kind by its name, widths and alignment included ("{:<11}").
template <>
struct fmt::formatter<hashflop::WorkloadKind> : fmt::formatter<std::string_view> {
  auto format(hashflop::WorkloadKind kind, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(hashflop::to_string(kind), ctx);
  }
};
