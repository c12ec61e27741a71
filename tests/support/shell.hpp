// Runs a shell command for the CLI tests, which exercise the real binary so that exit codes and
// messages are checked as users see them.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace hashflop::test {

struct ShellResult {
  int exit_code;    ///< the command's exit status, or 128 + signal when it was killed
  std::string out;  ///< what it wrote to stdout (redirect stderr in the command to capture it)
};

inline ShellResult run_shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

#ifdef HASHFLOP_BINARY
/// The hashflop binary under test: $HASHFLOP_TEST_BINARY when set, for a carried bundle whose
/// build folder is not there (scripts/gpu-check.sh sets it), else the one this build made.
inline std::string hashflop_binary() {
  const char* carried = std::getenv("HASHFLOP_TEST_BINARY");
  return carried != nullptr && *carried != '\0' ? std::string(carried) : HASHFLOP_BINARY;
}

/// Runs the hashflop binary under test with `args` (shell syntax), stderr folded into `out`.
inline ShellResult run_hashflop(const std::string& args) {
  return run_shell(hashflop_binary() + " " + args + " 2>&1");
}
#endif

}  // namespace hashflop::test
