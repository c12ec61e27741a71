#include "common/data_files.hpp"

#include <cstdlib>

namespace hashflop {
namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::optional<fs::path> data_dir() {
  if (const char* env = std::getenv("HASHFLOP_DATA_DIR"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  const fs::path exe = executable_dir();
  if (exe.empty()) return std::nullopt;
  std::error_code ec;
  for (const fs::path& dir :
       {exe / "share" / "hashflop", exe.parent_path() / "share" / "hashflop"}) {
    if (fs::is_directory(dir, ec)) return dir;
  }
  return std::nullopt;
}

std::optional<fs::path> data_file(const fs::path& relative) {
  const auto dir = data_dir();
  if (!dir) return std::nullopt;
  return *dir / relative;
}

}  // namespace hashflop
