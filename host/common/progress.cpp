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

ProgressTicker::ProgressTicker(Progress& progress, std::function<std::string()> line,
                               std::chrono::milliseconds first,
                               std::chrono::milliseconds log_period)
    : progress_(progress),
      line_(std::move(line)),
      start_(std::chrono::steady_clock::now()),
      first_(first),
      log_period_(log_period) {
  thread_.emplace(std::chrono::milliseconds(500), [this] {
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < first_) return true;
    const std::string text = line_();
    if (!started_ || (!progress_.live() && now >= next_log_)) {
      progress_.log(text);
      started_ = true;
      next_log_ = now + log_period_;
    } else {
      progress_.status(text);
    }
    return true;
  });
}

ProgressTicker::~ProgressTicker() {
  thread_.reset();
  progress_.clear();
}

}  // namespace hashflop
