// How a CUDA nonce search's kernel and launch shape are named where they are kept (the wisdom
// file, a results file's selection): "cuda-imad/tpb256_npt64". Free of CUDA, so the names are
// read and tested in every build.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hashflop::cuda {

/// A CUDA nonce search's kernel and launch shape by name:
/// "cuda-imad/tpb256_npt64". The grid is left out: it follows from the occupancy on the device.
struct GeometryName {
  std::string kernel;
  unsigned threads_per_block = 0;
  unsigned nonces_per_thread = 0;
};
std::string geometry_name(std::string_view kernel, unsigned threads_per_block,
                          unsigned nonces_per_thread);
/// The inverse of geometry_name; nullopt for any other text (a hand-edited or foreign entry).
std::optional<GeometryName> parse_geometry_name(std::string_view text);

}  // namespace hashflop::cuda
