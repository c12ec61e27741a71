// cuBLAS is opened with dlopen on first use instead of being linked, so a binary carried to a
// machine whose cuBLAS is missing, or only inside a Python wheel, still starts, and its cuBLAS
// variants report why they cannot run. cublas_loader.cpp defines the few cuBLAS entry points
// hashflop calls under cuBLAS's own names, forwarding to the loaded library: callers keep using
// <cublas_v2.h> as if it were linked, after asking cublas_unavailable_reason() once.
#pragma once

#include <optional>
#include <string>

namespace hashflop::cuda {

/// Loads cuBLAS once, from the first of: the file HASHFLOP_CUBLAS_LIBRARY names (only that, when
/// set); libcublas.so.<major> on the dynamic loader's path (LD_LIBRARY_PATH, RUNPATH, ld.so
/// cache); the CUDA toolkit's library directory this binary was built against. nullopt when
/// every entry point hashflop uses was found, else why not, starting "cuBLAS not loaded".
std::optional<std::string> cublas_unavailable_reason();

/// The file cuBLAS was loaded from; empty when it was not.
std::string cublas_library_path();

}  // namespace hashflop::cuda
