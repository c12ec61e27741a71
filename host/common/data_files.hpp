// Where hashflop finds the files it ships beside the binary (the market data, the plot
// script): found from the running binary's own location, never from the current directory, so
// a file planted where a user happens to run `hashflop report` is never read or run.
#pragma once

#include <filesystem>
#include <optional>

namespace hashflop {

/// The directory of the running executable (/proc/self/exe).
std::filesystem::path executable_dir();

/// The data directory: $HASHFLOP_DATA_DIR when set; else <exe>/share/hashflop (a build tree:
/// CMake copies the data there) or <exe>/../share/hashflop (an install), the first that exists.
std::optional<std::filesystem::path> data_dir();

/// `relative` inside data_dir(), or nullopt when there is no data directory.
std::optional<std::filesystem::path> data_file(const std::filesystem::path& relative);

}  // namespace hashflop
