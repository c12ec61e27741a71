// Errors carry what failed and map to the CLI's documented exit codes in one place (cli/main).
#pragma once

#include <stdexcept>
#include <string>

namespace hashflop {

/// A runtime or device failure: exit code 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input or usage (a malformed header, an impossible range, an unknown name): exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A device that is absent, unusable, or whose API call failed: exit code 1.
class DeviceError : public Error {
 public:
  using Error::Error;
};

namespace exit_code {
inline constexpr int success = 0;
inline constexpr int failure = 1;  ///< runtime or device failure, or a failed check
inline constexpr int usage = 2;    ///< bad input or usage
/// Stopped by Ctrl-C (SIGINT), single device or fleet; what was measured is kept and written.
inline constexpr int interrupted = 130;
}  // namespace exit_code

}  // namespace hashflop
