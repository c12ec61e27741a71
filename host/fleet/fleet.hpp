// Fleet mode of `hashflop run`: many devices measured together into one results file, with a
// `fleet` section of totals and spread. Two launchers: MPI (`mpirun -np N hashflop run`, one
// device per rank, any number of nodes) and threads (`hashflop run --device all`, every GPU of
// this machine). Without an MPI build only the threads launcher exists.
#pragma once

#include <string>

#include "cli/run_setup.hpp"

namespace hashflop::fleet {

/// Whether this build has the MPI launcher.
bool mpi_built();
/// Whether an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx) started this process.
bool mpi_launched();
/// Whether `hashflop run` should run as a fleet: --device all, or an MPI launch in an MPI build.
bool fleet_requested(const std::string& device);
/// Measures every device of the fleet; the root (rank 0, or the main thread) prints the tables
/// and writes the file. Returns the process exit code: 0 when every rank measured everything,
/// 1 when a rank failed or timed out. May not return: after a timeout it aborts the job.
int run_fleet(const cli::RunOptions& options);

}  // namespace hashflop::fleet
