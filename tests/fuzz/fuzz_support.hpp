// What every fuzz target shares: the one kind of exception a parser may throw for bad input,
// and a scratch directory for targets whose parser reads files.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "common/error.hpp"

namespace hashflop::fuzz {

/// Stops the run as a finding: libFuzzer saves the input that got here.
[[noreturn]] inline void finding(std::string_view stage, const std::exception& e) {
  std::fprintf(stderr, "FINDING in %.*s: %s: %s\n", static_cast<int>(stage.size()), stage.data(),
               typeid(e).name(), e.what());
  std::abort();
}

[[noreturn]] inline void finding(std::string_view stage, std::string_view what) {
  std::fprintf(stderr, "FINDING in %.*s: %.*s\n", static_cast<int>(stage.size()), stage.data(),
               static_cast<int>(what.size()), what.data());
  std::abort();
}

/// Runs `f`, where the documented answer to bad input is a UsageError (exit 2, one line naming
/// the file or option). Any other exception is a finding. Returns whether `f` completed.
template <class F>
bool expect_usage_error(std::string_view stage, F&& f) {
  try {
    f();
    return true;
  } catch (const UsageError&) {
    return false;
  } catch (const std::exception& e) {
    finding(stage, e);
  }
}

/// Runs `f`, where a hashflop::Error (exit 1 or 2, with a message) is an accepted answer.
template <class F>
bool expect_error(std::string_view stage, F&& f) {
  try {
    f();
    return true;
  } catch (const Error&) {
    return false;
  } catch (const std::exception& e) {
    finding(stage, e);
  }
}

/// A private directory for this process, removed at exit. In $TMPDIR, else /tmp.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/hashflop-fuzz.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    static const std::string remove_at_exit = pattern;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(remove_at_exit, ec);
    });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::perror(path.c_str());
    std::abort();
  }
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The input's lines, for targets that feed one file per line (sensor readings, counters).
inline std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace hashflop::fuzz
