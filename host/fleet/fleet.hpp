// Fleet mode of `hashflop run`: many devices measured together into one results file, with a
// `fleet` section of totals and spread. Two launchers: MPI (`mpirun -np N hashflop run`, one
// device per rank, any number of nodes) and threads (`hashflop run --device all`, every GPU of
// this machine). Without an MPI build only the threads launcher exists. Each device runs one
// harness::Session, the same as a one-device run.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "harness/session.hpp"
#include "results/result.hpp"

namespace hashflop::fleet {

struct FleetOptions {
  std::string device = "auto";  ///< as asked: auto, cpu, cuda:N, cuda:local or all
  harness::SessionOptions session;
  std::optional<double> rank_timeout;  ///< seconds; nullopt: from the plan
  std::string out;  ///< --out; empty: <default results dir>/fleet-<UTC time>.json
};

/// What the root has at the end.
struct FleetOutcome {
  results::Result result;
  std::string path;          ///< where the file goes: --out, or the name the ranks agreed on
  bool interrupted = false;  ///< Ctrl-C on the root
  bool failed = false;       ///< a rank failed or timed out, or a verification failed
};

/// Writes and prints the root's outcome; returns the process exit code.
using Publish = std::function<int(const FleetOutcome&)>;

/// Whether this build has the MPI launcher.
bool mpi_built();
/// Whether an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx) started this process.
bool mpi_launched();
/// Whether `hashflop run` should run as a fleet: --device all, or an MPI launch in an MPI build.
bool fleet_requested(const std::string& device);
/// Measures every device of the fleet; the root (rank 0, or the main thread) hands the outcome
/// to `publish`. Returns the process exit code. May not return: after a rank timeout it ends
/// the whole job once the root has published.
int run_fleet(const FleetOptions& options, const Publish& publish);

}  // namespace hashflop::fleet
