// Every test process gets a temporary directory of its own (OpenMPI's session directory too,
// under the fleet tests: the path stays short). The tests name their scratch
// folders (/tmp/hashflop-report-safety-<test>, ...), so two suites running at once on one
// machine (two build trees, or CI beside a developer) wrote into each other's folders and
// failed at random. Children (the hashflop binary under test) inherit TMPDIR.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

fs::path& own_dir() {
  static fs::path dir;
  return dir;
}

const bool isolated = [] {
  std::error_code ec;
  const fs::path dir =
      fs::temp_directory_path(ec) / ("hashflop-tests-" + std::to_string(::getpid()));
  if (ec || !fs::create_directories(dir, ec) || ec) return false;
  own_dir() = dir;
  ::setenv("TMPDIR", dir.c_str(), 1);
  std::atexit([] {
    std::error_code ignored;
    fs::remove_all(own_dir(), ignored);
  });
  return true;
}();

}  // namespace
