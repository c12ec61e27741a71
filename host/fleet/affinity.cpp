#include "fleet/affinity.hpp"

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace hashflop::fleet {

std::vector<int> current_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) out.push_back(c);
  }
  return out;
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

Affinity bind_cpu_rank(int local_rank, int local_size, unsigned threads) {
  Affinity a;
  const auto allowed = current_cpus();
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  const unsigned n = static_cast<unsigned>(std::max<size_t>(1, allowed.size()));
  if (online > 0 && allowed.size() < static_cast<size_t>(online)) {
    // mpirun --bind-to core, srun --cpu-bind, taskset: the launcher knows the node; keep it.
    a.cpus = allowed;
    a.source = "launcher";
    a.threads = threads != 0 ? threads : n;
    return a;
  }
  a.threads = threads != 0 ? threads : std::max(1u, n / static_cast<unsigned>(local_size));
  if (local_size <= 1 && a.threads >= n) {
    a.cpus = allowed;
    a.source = "unchanged";
    return a;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned k = 0; k < a.threads; ++k)
    CPU_SET(allowed[(static_cast<size_t>(local_rank) * a.threads + k) % n], &set);
  // Every thread that exists now (OpenBLAS starts its pool at load time, MPI its progress
  // thread at init); threads started later inherit the mask from the main thread.
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const pid_t tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
    if (sched_setaffinity(tid, sizeof(set), &set) != 0 && a.error.empty())
      a.error = fmt::format("sched_setaffinity: {}", std::strerror(errno));
  }
  if (ec || sched_setaffinity(0, sizeof(set), &set) != 0) {
    if (a.error.empty()) a.error = fmt::format("sched_setaffinity: {}", std::strerror(errno));
  }
  a.cpus = current_cpus();
  a.source = a.error.empty() ? "hashflop" : "failed";
  return a;
}

}  // namespace hashflop::fleet
