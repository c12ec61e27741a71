// Ctrl-C for long commands: the first stops cleanly (what was measured is kept), the second
// exits at once with status 130.
#pragma once

#include <atomic>

namespace hashflop {

/// Installs a SIGINT handler for its lifetime: the first Ctrl-C sets stop_requested(), the
/// second exits the process at once with status 130. Restores the previous handler after.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  /// The flag measurements and workloads poll.
  static std::atomic<bool>& stop_requested();
};

}  // namespace hashflop
