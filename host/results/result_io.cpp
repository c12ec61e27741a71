// Results files on disk: written atomically, read back with the schema checked.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/json_input.hpp"
#include "results/result.hpp"

namespace hashflop::results {
namespace fs = std::filesystem;
using nlohmann::json;

void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  // Built piecewise: GCC 12 gives a false -Wrestrict on the one-expression concatenation.
  std::string name(".");
  name.append(path.filename().string()).append(".XXXXXX");
  std::string tmp = (dir / name).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    throw Error(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(fmt::format("cannot write {}: {}", tmp, std::strerror(e)));
    }
    done += static_cast<size_t>(n);
  }
  // Durable before it becomes visible: a crash leaves the old file or the new one, never half.
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("cannot write {}: {}", path.string(), std::strerror(e)));
  }
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void check_writable(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (fs::is_directory(path, ec)) {
    throw UsageError(fmt::format("{}: is a directory, not a file to write", path.string()));
  }
  std::string probe = (dir / ".hashflop-write-check.XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    throw UsageError(fmt::format("cannot write {}: {} in {}", path.string(), std::strerror(errno),
                                 dir.string()));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

Result load_result(const fs::path& path) {
  const json j = read_json_file(path, "results file");
  return convert_input(path, [&] { return from_json(j); });
}

}  // namespace hashflop::results
