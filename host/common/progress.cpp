#include "common/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace hashflop {

bool Progress::stderr_is_tty() {
  return isatty(STDERR_FILENO) == 1;
}

void Progress::log(const std::string& line) {
  if (quiet_) return;
  std::lock_guard lock(mutex_);
  if (shown_) fmt::print(stderr, "\r\033[K");
  shown_ = false;
  fmt::print(stderr, "{}\n", line);
  std::fflush(stderr);
}

void Progress::status(const std::string& line) {
  if (!live_ || quiet_) return;
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  fmt::print(stderr, "\r\033[K{}", line);
  std::fflush(stderr);
  shown_ = true;
}

void Progress::clear() {
  std::lock_guard lock(mutex_);
  if (shown_) fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace hashflop
