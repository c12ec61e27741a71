#include "common/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

namespace hashflop {
namespace {

std::atomic<bool> g_stop{false};
struct sigaction g_previous {};

// Only async-signal-safe calls here: write and _exit.
extern "C" void on_sigint(int) {
  if (g_stop.exchange(true)) {
    static const char msg[] = "\nhashflop: interrupted twice, aborting\n";
    [[maybe_unused]] const auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(130);
  }
  static const char msg[] =
      "\nhashflop: interrupted; finishing up and writing what was measured "
      "(Ctrl-C again to abort)\n";
  [[maybe_unused]] const auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_stop = false;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_previous);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous, nullptr);
}

std::atomic<bool>& InterruptGuard::stop_requested() {
  return g_stop;
}

}  // namespace hashflop
