// Progress on stderr (stdout stays clean for --json): a live line rewritten in place on a TTY,
// plain log lines otherwise.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace hashflop {

class Progress {
 public:
  /// `live`: rewrite one status line in place (stderr is a TTY); else only log lines.
  explicit Progress(bool live, bool quiet = false) : live_(live), quiet_(quiet) {}
  /// Whether stderr is a terminal.
  static bool stderr_is_tty();
  /// A line that stays (clears the live line first).
  void log(const std::string& line);
  /// The live status line; ignored when not live, and throttled to a few updates a second.
  void status(const std::string& line);
  /// Clears the live line.
  void clear();

 private:
  std::mutex mutex_;
  bool live_, quiet_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace hashflop
