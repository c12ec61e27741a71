#pragma once

#include <string_view>

namespace hashflop::cli {

/// How this binary was configured, for `--version`: build type, CUDA toolkit and architectures,
/// MPI, compiler. Generated at configure time (build_info.cpp.in), so a value of any shape (a
/// CMake list of architectures, a compiler version with spaces) reaches the binary verbatim.
struct BuildInfo {
  std::string_view build_type, cuda, mpi, compiler;
};

const BuildInfo& build_info();

}  // namespace hashflop::cli
