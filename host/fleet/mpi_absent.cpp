// A build without MPI: the fleet has only the threads launcher (--device all).
#include "fleet/comm.hpp"
#include "fleet/fleet.hpp"

namespace hashflop::fleet {

bool mpi_built() {
  return false;
}

std::unique_ptr<Comm> open_mpi_comm(int*, char***) {
  return nullptr;
}

}  // namespace hashflop::fleet
