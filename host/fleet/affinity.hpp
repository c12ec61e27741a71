// CPU ranks on one node share its cores: each pins its threads to its own slice, so two ranks
// never time-share a core, and the file records the cores each rank actually ran on.
#pragma once

#include <string>
#include <vector>

namespace hashflop::fleet {

struct Affinity {
  std::vector<int> cpus;  ///< the CPUs this process may run on, as obtained (not as asked)
  /// launcher (mpirun/srun bound the rank; kept), hashflop (pinned here from the local rank),
  /// unchanged (one rank using every core), or failed (sched_setaffinity refused; see error)
  std::string source;
  std::string error;
  unsigned threads = 0;  ///< the CPU threads the rank should run
};

/// The CPUs the calling thread may run on.
std::vector<int> current_cpus();
/// Chooses local rank `local_rank` of `local_size`'s CPUs and pins every thread of the process
/// to them. `threads` 0: the slice is cores / local ranks (at least 1). A launcher binding
/// (fewer CPUs allowed than online) is kept and sizes the default thread count.
Affinity bind_cpu_rank(int local_rank, int local_size, unsigned threads);
/// "0-3,8,10-11"
std::string cpu_list(const std::vector<int>& cpus);

}  // namespace hashflop::fleet
