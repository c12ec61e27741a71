// Where and when a result was produced. HASHFLOP_GIT_COMMIT comes from CMake at configure time.
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "cpu/cpu_info.hpp"
#include "results/result.hpp"

#ifndef HASHFLOP_GIT_COMMIT
#define HASHFLOP_GIT_COMMIT "unknown"
#endif

namespace hashflop::results {

std::string git_commit() {
  return HASHFLOP_GIT_COMMIT;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

HostFacts host_facts() {
  const auto& cpu = cpu::cpu_info();
  HostFacts h;
  h.cpu_model = cpu.model;
  h.logical_cores = cpu.logical_cores;
  h.cpu_features = cpu.feature_names();
  utsname u{};
  if (uname(&u) == 0) {
    h.os = u.sysname;
    h.kernel = u.release;
    h.kernel_version = u.version;
    h.machine = u.machine;
    h.hostname = u.nodename;
  }
  return h;
}

}  // namespace hashflop::results
