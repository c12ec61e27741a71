// Reading an input file whole, bounded: only a regular file is read, and never past a size
// limit, so /dev/zero behind an input cannot exhaust memory and a FIFO cannot hang a command.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop {

/// Larger input is refused before it is read whole: results files are a few hundred KB.
inline constexpr std::uintmax_t max_json_bytes = 256ull << 20;

/// The contents of `path` ("what" names it in errors, e.g. "wisdom file"). Throws UsageError
/// with one line naming the file when it is missing, unreadable, a directory or any other
/// non-regular file (a FIFO, a device, a socket), or larger than `max_bytes`.
std::string read_regular_file(const std::filesystem::path& path, std::string_view what,
                              std::uintmax_t max_bytes);

/// "a directory", "a FIFO", "a character device", ...: what stands at a path, for messages.
std::string_view describe_file_type(std::filesystem::file_type type);

/// Runs `convert()`, turning an Error it throws into a UsageError that names `path` (a
/// UsageError that names it already passes unchanged). The results layer's JSON readers wrap
/// this to catch JSON errors too (results/json_parts.hpp, convert_input).
template <class F>
auto name_input_errors(const std::filesystem::path& path, F&& convert) -> decltype(convert()) {
  try {
    return convert();
  } catch (const UsageError& e) {
    const std::string text = e.what();
    if (text.rfind(path.string(), 0) == 0) throw;
    throw UsageError(fmt::format("{}: {}", path.string(), text));
  } catch (const Error& e) {
    throw UsageError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

}  // namespace hashflop
