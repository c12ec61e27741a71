// Results files on disk: written atomically (read back by load_result, in result_json.cpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/file_input.hpp"
#include "results/result.hpp"

namespace hashflop::results {
namespace fs = std::filesystem;

namespace {

// Where a write to `path` lands: `path` itself, or, through symbolic links, the file they name,
// so that a link to a results file is kept and its target replaced.
fs::path resolve_links(fs::path path) {
  std::error_code ec;
  for (int hops = 0; hops < 40 && fs::is_symlink(path, ec); ++hops) {
    const fs::path to = fs::read_symlink(path, ec);
    if (ec) break;
    path = to.is_absolute() ? to : path.parent_path() / to;
  }
  return path;
}

// A character device or FIFO (/dev/stdout, /dev/null, a pipe behind /proc/self/fd/N): written
// through, as a shell redirection would. Nothing is renamed over it.
bool is_stream(fs::file_type type) {
  return type == fs::file_type::character || type == fs::file_type::fifo;
}

// This process's own open descriptor that `path` names (/dev/stdout, /dev/fd/N,
// /proc/self/fd/N): written to as it is, at its offset. Opened anew, a shell's `> file` behind it
// would be rewritten from its start, and renamed over, it would lose what was printed before.
std::optional<int> own_descriptor(const fs::path& path) {
  const std::string p = path.lexically_normal().string();
  if (p == "/dev/stdout") return 1;
  if (p == "/dev/stderr") return 2;
  for (const std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!p.starts_with(prefix)) continue;
    int fd = -1;
    const char* first = p.data() + prefix.size();
    const char* last = p.data() + p.size();
    if (const auto [end, ec] = std::from_chars(first, last, fd); ec == std::errc() && end == last)
      return fd;
  }
  return std::nullopt;
}

// The directory a new file goes into, which must exist: `--out /nonexistent/dir/r.json` is a
// typo far more often than a wish for new folders, and a run that made them would hide it.
fs::path directory_for(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  const auto type = fs::status(dir, ec).type();
  if (type == fs::file_type::not_found) {
    throw UsageError(
        fmt::format("cannot write {}: no folder {} (hashflop makes none: create it "
                    "first)",
                    path.string(), dir.string()));
  }
  if (type != fs::file_type::directory) {
    throw UsageError(fmt::format("cannot write {}: {} is not a folder{}", path.string(),
                                 dir.string(), ec ? ": " + ec.message() : std::string()));
  }
  return dir;
}

void refuse_special(const fs::path& path, fs::file_type type) {
  throw UsageError(fmt::format("{}: is {}, not a file hashflop can write", path.string(),
                               describe_file_type(type)));
}

void write_all(int fd, const std::string& text, const fs::path& shown) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw Error(fmt::format("cannot write {}: {}", shown.string(), std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
}

void write_through(const fs::path& path, const std::string& text) {
  // O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of hanging the command.
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    throw UsageError(fmt::format("cannot write {}: {}", path.string(),
                                 e == ENXIO ? "a FIFO that nothing reads" : std::strerror(e)));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  try {
    write_all(fd, text, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0)
    throw Error(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
}

}  // namespace

void write_atomically(const fs::path& requested, const std::string& text) {
  if (const auto fd = own_descriptor(requested)) {
    if (::fcntl(*fd, F_GETFL) < 0) {
      throw UsageError(fmt::format("cannot write {}: it is not open", requested.string()));
    }
    std::fflush(nullptr);  // what was printed to it before comes first
    return write_all(*fd, text, requested);
  }
  std::error_code ec;
  const auto type = fs::status(requested, ec).type();  // symbolic links followed
  if (is_stream(type)) return write_through(requested, text);
  if (type != fs::file_type::not_found && type != fs::file_type::regular) {
    refuse_special(requested, type);
  }
  const fs::path path = resolve_links(requested);
  const fs::path dir = directory_for(path);
  // Built piecewise: GCC 12 gives a false -Wrestrict on the one-expression concatenation.
  std::string name(".");
  name.append(path.filename().string()).append(".XXXXXX");
  std::string tmp = (dir / name).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    throw Error(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  try {
    write_all(fd, text, tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
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

void check_writable(const fs::path& requested) {
  if (const auto fd = own_descriptor(requested)) {
    if (::fcntl(*fd, F_GETFL) < 0)
      throw UsageError(fmt::format("cannot write {}: it is not open", requested.string()));
    return;
  }
  std::error_code ec;
  const auto type = fs::status(requested, ec).type();
  if (is_stream(type)) {
    if (::access(requested.c_str(), W_OK) != 0) {
      throw UsageError(
          fmt::format("cannot write {}: {}", requested.string(), std::strerror(errno)));
    }
    return;
  }
  if (type == fs::file_type::directory) {
    throw UsageError(fmt::format("{}: is a directory, not a file to write", requested.string()));
  }
  if (type != fs::file_type::not_found && type != fs::file_type::regular) {
    refuse_special(requested, type);
  }
  const fs::path path = resolve_links(requested);
  const fs::path dir = directory_for(path);
  std::string probe = (dir / ".hashflop-write-check.XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    throw UsageError(fmt::format("cannot write {}: {} in {}", path.string(), std::strerror(errno),
                                 dir.string()));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

fs::path default_results_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/') return fs::path(xdg) / "hashflop" / "results";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0')
    return fs::path(home) / ".local" / "share" / "hashflop" / "results";
  throw UsageError("no folder for results: neither XDG_DATA_HOME nor HOME is set (give --out)");
}

fs::path make_default_results_dir() {
  const fs::path dir = default_results_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw UsageError(
        fmt::format("cannot create the results folder {}: {}", dir.string(), ec.message()));
  }
  return dir;
}

}  // namespace hashflop::results
