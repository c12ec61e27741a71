// How much memory a command may still allocate: the least of what the kernel has available
// (MemAvailable), what the process's own limits leave (ulimit -v and -d), and what its cgroup
// leaves (a container's or a batch job's memory.max). Checking MemAvailable alone once let a
// GEMM under `ulimit -v` calibrate for 33 s and then die of std::bad_alloc.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace hashflop {

struct MemoryBudget {
  uint64_t bytes = 0;
  std::string limited_by;  ///< what sets it, for messages: "available memory (MemAvailable)", ...
};

/// Where the facts come from; tests point these at fake trees and limits.
struct MemorySources {
  std::filesystem::path proc = "/proc";
  std::filesystem::path cgroup_root = "/sys/fs/cgroup";
  /// Soft RLIMIT_AS and RLIMIT_DATA in bytes; nullopt: unlimited. memory_budget() reads them.
  std::optional<uint64_t> address_space_limit, data_limit;
};

MemoryBudget memory_budget(const MemorySources& sources);
/// This process's budget, from /proc, /sys/fs/cgroup and getrlimit.
MemoryBudget memory_budget();

}  // namespace hashflop
