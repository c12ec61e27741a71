// Stopping long commands: Ctrl-C (SIGINT), and the SIGTERM and SIGHUP that `timeout`, a batch
// scheduler's time limit, `docker stop` or a closed SSH session send. The first stops cleanly
// (what was measured is kept, the file marked incomplete); a second exits at once.
#pragma once

#include <atomic>

namespace hashflop {

/// Installs SIGINT, SIGTERM and SIGHUP handlers for its lifetime: the first signal sets
/// stop_requested(), a second exits the process at once with 128 + its number. Restores the
/// previous handlers after.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  /// The flag measurements and workloads poll.
  static std::atomic<bool>& stop_requested();
  /// 128 + the number of the signal that stopped the command (130 for Ctrl-C), the shell's
  /// convention; 130 when none was received.
  static int exit_code();
};

}  // namespace hashflop
