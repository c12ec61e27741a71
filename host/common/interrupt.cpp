#include "common/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>

namespace hashflop {
namespace {

constexpr std::array<int, 3> kStopSignals{SIGINT, SIGTERM, SIGHUP};

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::array<struct sigaction, kStopSignals.size()> g_previous{};

void say(const char* text, size_t size) {
  [[maybe_unused]] const auto n = write(STDERR_FILENO, text, size);
}

// Only async-signal-safe calls here: write and _exit.
extern "C" void on_stop_signal(int sig) {
  if (g_stop.exchange(true)) {
    static const char msg[] = "\nhashflop: stopped twice, aborting\n";
    say(msg, sizeof msg - 1);
    _exit(128 + sig);
  }
  g_signal = sig;
  if (sig == SIGINT) {
    static const char msg[] =
        "\nhashflop: interrupted; finishing up and writing what was measured "
        "(Ctrl-C again to abort)\n";
    say(msg, sizeof msg - 1);
  } else {
    static const char msg[] =
        "\nhashflop: asked to stop (SIGTERM or SIGHUP); finishing up and writing what was "
        "measured\n";
    say(msg, sizeof msg - 1);
  }
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_stop = false;
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < kStopSignals.size(); ++i) sigaction(kStopSignals[i], &sa, &g_previous[i]);
}

InterruptGuard::~InterruptGuard() {
  for (size_t i = 0; i < kStopSignals.size(); ++i)
    sigaction(kStopSignals[i], &g_previous[i], nullptr);
}

std::atomic<bool>& InterruptGuard::stop_requested() {
  return g_stop;
}

int InterruptGuard::exit_code() {
  const int sig = g_signal.load();
  return 128 + (sig != 0 ? sig : SIGINT);
}

}  // namespace hashflop
