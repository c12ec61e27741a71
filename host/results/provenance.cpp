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

nlohmann::json host_facts() {
  const auto& cpu = cpu::cpu_info();
  nlohmann::json j = {{"cpu_model", cpu.model},
                      {"logical_cores", cpu.logical_cores},
                      {"cpu_features", cpu.feature_names()}};
  utsname u{};
  if (uname(&u) == 0) {
    j["os"] = u.sysname;
    j["kernel"] = u.release;
    j["kernel_version"] = u.version;
    j["machine"] = u.machine;
    j["hostname"] = u.nodename;
  }
  return j;
}

}  // namespace hashflop::results
