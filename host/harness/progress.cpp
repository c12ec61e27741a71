#include "harness/progress.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace hashflop::harness {

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

namespace {

std::atomic<bool> g_stop{false};
struct sigaction g_previous {};

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

}  // namespace hashflop::harness
