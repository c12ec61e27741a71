// The one way hashflop reads a file it did not just write (results, market data, benchmark
// JSON, the wisdom cache): bounded in size and nesting, and every error, from the parser or from
// reading a field of the wrong type, a UsageError (exit 2) naming the file and the JSON path.
#pragma once

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file_input.hpp"

namespace hashflop {

/// Deeper input is refused: hashflop's own files nest 5 levels, and a recursive reader of
/// 100,000 nested arrays overflows the stack.
inline constexpr int max_json_depth = 64;

/// Parses `text` with the depth limit; throws nlohmann::json::parse_error or Error.
nlohmann::json parse_json(std::string_view text);

/// Reads and parses `path` ("what" names it in errors, e.g. "market file"). Throws UsageError
/// ("<path>: ...") when it cannot be read, is too large or deep, or is not JSON.
nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view what = "file");

/// Runs `convert()`, turning any JSON error (a missing key, a wrong type; with the JSON path,
/// since hashflop is built with JSON_DIAGNOSTICS) or Error it throws into a UsageError that
/// names `path`.
template <class F>
auto convert_input(const std::filesystem::path& path, F&& convert) -> decltype(convert()) {
  try {
    return convert();
  } catch (const UsageError& e) {
    const std::string text = e.what();
    if (text.rfind(path.string(), 0) == 0) throw;
    throw UsageError(fmt::format("{}: {}", path.string(), text));
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: malformed: {}", path.string(), e.what()));
  } catch (const Error& e) {
    throw UsageError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

/// The number at `key` as a T within [lo, hi]: an integer T must get an integral value, so a
/// field of 1e300 is an error here rather than an undefined conversion later. Throws Error.
template <class T>
T number_at(const nlohmann::json& j, const char* key, T lo = std::numeric_limits<T>::lowest(),
            T hi = std::numeric_limits<T>::max()) {
  const auto& v = j.at(key);
  if (!v.is_number()) throw Error(fmt::format("\"{}\" is not a number", key));
  const double d = v.get<double>();
  const bool integral_ok = !std::is_integral_v<T> || v.is_number_integer() || d == std::floor(d);
  if (!std::isfinite(d) || !integral_ok || d < static_cast<double>(lo) ||
      d > static_cast<double>(hi)) {
    throw Error(fmt::format("\"{}\" is {}, not {} in [{}, {}]", key, v.dump(),
                            std::is_integral_v<T> ? "an integer" : "a number", lo, hi));
  }
  if constexpr (std::is_integral_v<T>) {
    if (v.is_number_integer()) return v.get<T>();
  }
  return static_cast<T>(d);
}

/// number_at, or `fallback` when the key is absent or null.
template <class T>
T number_or(const nlohmann::json& j, const char* key, T fallback,
            T lo = std::numeric_limits<T>::lowest(), T hi = std::numeric_limits<T>::max()) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return number_at<T>(j, key, lo, hi);
}

}  // namespace hashflop
