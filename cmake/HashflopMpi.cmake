# Resolves HASHFLOP_ENABLE_MPI (AUTO|ON|OFF) into HASHFLOP_HAVE_MPI. Without MPI the fleet code
# still builds (one process: `--device all` threads); MPI adds `mpirun -np N hashflop run`.
set(HASHFLOP_HAVE_MPI OFF)
if(NOT HASHFLOP_ENABLE_MPI STREQUAL "OFF")
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(HASHFLOP_HAVE_MPI ON)
    # The tests launch ranks with this; found next to the MPI compiler wrapper.
    find_program(HASHFLOP_MPIEXEC NAMES mpirun mpiexec HINTS ${MPIEXEC_EXECUTABLE})
  elseif(HASHFLOP_ENABLE_MPI STREQUAL "ON")
    message(FATAL_ERROR "HASHFLOP_ENABLE_MPI=ON but MPI (C++) was not found: install libopenmpi-dev")
  endif()
endif()
message(STATUS "hashflop: MPI fleet ${HASHFLOP_HAVE_MPI}")
