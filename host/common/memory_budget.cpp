#include "common/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace hashflop {
namespace fs = std::filesystem;

namespace {

// "Key:   1234 kB" lines (meminfo, status): the value in bytes, or nullopt.
std::optional<uint64_t> kib_field(const fs::path& file, std::string_view key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ':') continue;
    try {
      return std::stoull(line.substr(key.size() + 1)) * 1024;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> number_in(const fs::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void lower_to(MemoryBudget& b, uint64_t bytes, std::string why) {
  if (bytes < b.bytes) b = {bytes, std::move(why)};
}

uint64_t headroom(uint64_t limit, uint64_t used) {
  return limit > used ? limit - used : 0;
}

// The cgroup (v2 "0::/path", or v1's memory controller) this process is in, and the limits on
// its way up to the root: each level's limit applies.
void cgroup_limits(const MemorySources& s, MemoryBudget& b) {
  std::ifstream in(s.proc / "self" / "cgroup");
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const fs::path rel = fs::path(line.substr(second + 1)).relative_path();
    const bool v2 = line.starts_with("0::");
    const bool v1_memory = controllers.find("memory") != std::string::npos;
    if (!v2 && !v1_memory) continue;
    const fs::path root = v2 ? s.cgroup_root : s.cgroup_root / "memory";
    for (fs::path dir = root / rel;; dir = dir.parent_path()) {
      const auto limit = number_in(dir / (v2 ? "memory.max" : "memory.limit_in_bytes"));
      const auto used = number_in(dir / (v2 ? "memory.current" : "memory.usage_in_bytes"));
      // cgroup v1 says "no limit" with a page-rounded 2^63.
      if (limit && *limit < (uint64_t{1} << 62)) {
        lower_to(b, headroom(*limit, used.value_or(0)),
                 fmt::format("the cgroup memory limit ({} bytes in {})", *limit, dir.string()));
      }
      if (dir == root || !dir.has_parent_path() || dir.parent_path() == dir) break;
    }
  }
}

std::optional<uint64_t> soft_limit(int resource) {
  rlimit r{};
  if (::getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return static_cast<uint64_t>(r.rlim_cur);
}

}  // namespace

MemoryBudget memory_budget(const MemorySources& s) {
  MemoryBudget b{UINT64_MAX, ""};
  if (const auto avail = kib_field(s.proc / "meminfo", "MemAvailable")) {
    lower_to(b, *avail, "available memory (MemAvailable)");
  } else {
    const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) {
      lower_to(b, static_cast<uint64_t>(pages) * static_cast<uint64_t>(page), "free memory");
    }
  }
  const fs::path status = s.proc / "self" / "status";
  if (s.address_space_limit) {
    lower_to(b, headroom(*s.address_space_limit, kib_field(status, "VmSize").value_or(0)),
             fmt::format("the address-space limit ({} bytes, ulimit -v)", *s.address_space_limit));
  }
  if (s.data_limit) {
    lower_to(b, headroom(*s.data_limit, kib_field(status, "VmData").value_or(0)),
             fmt::format("the data-segment limit ({} bytes, ulimit -d)", *s.data_limit));
  }
  cgroup_limits(s, b);
  if (b.bytes == UINT64_MAX) b = {0, "nothing (no /proc/meminfo)"};
  return b;
}

MemoryBudget memory_budget() {
  MemorySources s;
  s.address_space_limit = soft_limit(RLIMIT_AS);
  s.data_limit = soft_limit(RLIMIT_DATA);
  return memory_budget(s);
}

}  // namespace hashflop
