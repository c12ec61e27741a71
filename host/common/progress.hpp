// Progress on stderr (stdout stays clean for --json): a live line rewritten in place on a TTY,
// plain log lines otherwise.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "common/periodic_thread.hpp"

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
  bool live() const { return live_; }

 private:
  std::mutex mutex_;
  bool live_, quiet_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

/// Long work's heartbeat: from `first` on, asks `line()` for the state of the work and shows it,
/// as the live line every half second on a TTY, else as a log line every `log_period`. The
/// first line is also logged on a TTY, so the plan stays on screen. Work done before `first`
/// (most short commands) prints nothing.
class ProgressTicker {
 public:
  ProgressTicker(Progress& progress, std::function<std::string()> line,
                 std::chrono::milliseconds first = std::chrono::seconds(1),
                 std::chrono::milliseconds log_period = std::chrono::seconds(10));
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

 private:
  Progress& progress_;
  std::function<std::string()> line_;
  std::chrono::steady_clock::time_point start_, next_log_;
  std::chrono::milliseconds first_, log_period_;
  bool started_ = false;
  std::optional<PeriodicThread> thread_;  // stopped in the destructor, before the line clears
};

}  // namespace hashflop
