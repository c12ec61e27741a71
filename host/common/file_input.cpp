#include "common/file_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop {
namespace fs = std::filesystem;

std::string_view describe_file_type(fs::file_type type) {
  switch (type) {
    case fs::file_type::regular:
      return "a regular file";
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::symlink:
      return "a symbolic link";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::not_found:
      return "nothing";
    default:
      return "not a regular file";
  }
}

namespace {

fs::file_type type_of(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return fs::file_type::regular;
  if (S_ISDIR(st.st_mode)) return fs::file_type::directory;
  if (S_ISFIFO(st.st_mode)) return fs::file_type::fifo;
  if (S_ISCHR(st.st_mode)) return fs::file_type::character;
  if (S_ISBLK(st.st_mode)) return fs::file_type::block;
  if (S_ISSOCK(st.st_mode)) return fs::file_type::socket;
  return fs::file_type::unknown;
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_regular_file(const fs::path& path, std::string_view what,
                              std::uintmax_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. The type is
  // checked on the open descriptor, so nothing can be swapped in between.
  const Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (file.fd < 0) {
    throw UsageError(
        fmt::format("cannot read {} {}: {}", what, path.string(), std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) {
    throw UsageError(
        fmt::format("cannot read {} {}: {}", what, path.string(), std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    throw UsageError(fmt::format("{}: is {}, not a {} (hashflop reads regular files only)",
                                 path.string(), describe_file_type(type_of(st)), what));
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    throw UsageError(fmt::format("{}: {} bytes is too large for a {} (limit {})", path.string(),
                                 st.st_size, what, max_bytes));
  }
  // The size can change while it is read (a file still being written): never read past the cap.
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(file.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw UsageError(
          fmt::format("cannot read {} {}: {}", what, path.string(), std::strerror(errno)));
    }
    if (n == 0) break;
    if (text.size() + static_cast<size_t>(n) > max_bytes) {
      throw UsageError(fmt::format("{}: more than {} bytes, too large for a {}", path.string(),
                                   max_bytes, what));
    }
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace hashflop
