#include "mine/launch_name.hpp"

#include <charconv>

#include <fmt/format.h>

namespace hashflop::cuda {
namespace {

// A positive decimal that fills `text` exactly.
std::optional<unsigned> whole_number(std::string_view text) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v == 0) return std::nullopt;
  return v;
}

}  // namespace

std::string geometry_name(std::string_view kernel, unsigned threads_per_block,
                          unsigned nonces_per_thread) {
  return fmt::format("{}/tpb{}_npt{}", kernel, threads_per_block, nonces_per_thread);
}

std::optional<GeometryName> parse_geometry_name(std::string_view text) {
  const auto slash = text.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const auto shape = text.substr(slash + 1);
  const auto sep = shape.find("_npt");
  if (!shape.starts_with("tpb") || sep == std::string_view::npos) return std::nullopt;
  const auto tpb = whole_number(shape.substr(3, sep - 3));
  const auto npt = whole_number(shape.substr(sep + 4));
  if (!tpb || !npt) return std::nullopt;
  return GeometryName{std::string(text.substr(0, slash)), *tpb, *npt};
}

}  // namespace hashflop::cuda
