// The pieces of a results document's JSON, shared by the results layer's readers and writers
// (results/*_json.cpp) and compare/'s readers: the only header outside them that names
// nlohmann::json.
#pragma once

#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file_input.hpp"
#include "results/result.hpp"

// The one way hashflop reads a file it did not just write (results, market data, benchmark
// JSON, the wisdom cache): bounded in size and nesting, and every error, from the parser or from
// reading a field of the wrong type, a UsageError (exit 2) naming the file and the JSON path.
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
    return name_input_errors(path, std::forward<F>(convert));
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: malformed: {}", path.string(), e.what()));
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

namespace hashflop::results {

nlohmann::json to_json(const Selection& selection);
/// Throws nlohmann::json exceptions or Error when `j` is not a selection.
Selection selection_from_json(const nlohmann::json& j);
/// One rank's record as it travels to the root and sits in `ranks`.
nlohmann::json to_json(const RankRecord& rank);
/// Throws nlohmann::json exceptions or Error when `j` is not a rank record.
RankRecord rank_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Result& result);
/// One run, as it sits in a results file's `runs`.
nlohmann::json to_json(const Run& run);
/// Throws nlohmann::json exceptions or Error when `j` is not a run.
Run run_from_json(const nlohmann::json& j);
/// Throws Error when `j` is not a hashflop/result/v1 document.
Result from_json(const nlohmann::json& j);

}  // namespace hashflop::results

namespace hashflop::results::json_parts {

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

/// The value at `key`, or nullopt when the key is absent or null. Throws on a wrong type, and
/// (Error) on a number an integer type cannot hold: a file saying 1e300 cores is refused,
/// never converted with undefined behaviour.
template <typename T>
std::optional<T> get_opt(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!it->is_number()) throw Error(fmt::format("\"{}\" is not a number", key));
    const double d = it->get<double>();
    // [min, 2^digits): both ends exact as doubles, whatever T's width.
    const double lo = static_cast<double>(std::numeric_limits<T>::min());
    const double past = std::ldexp(1.0, std::numeric_limits<T>::digits);
    if (!(d >= lo && d < past) || d != std::floor(d))
      throw Error(fmt::format("\"{}\" is {}, not an integer in [{}, {}]", key, it->dump(),
                              std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    if (it->is_number_float()) return static_cast<T>(d);
  }
  return it->get<T>();
}

/// Checks the params keys readers take as text ("dtype"): a number there would make every later
/// value("dtype", "") throw outside the input's error handling. Throws Error.
void check_params(const nlohmann::json& params, const char* whose);

/// A value kept as text for the console ("2", "shani", "0x1fffe000") as JSON: a whole number
/// of up to 18 digits is a JSON number (`"threads": 2`, not "2"), anything else stays text.
inline nlohmann::json number_or_text(const std::string& v) {
  const bool whole =
      !v.empty() && v.size() <= 18 && v.find_first_not_of("0123456789") == std::string::npos;
  if (whole) return std::stoull(v);
  return v;
}

/// The workload kind `j` names; throws Error for any other text, naming the known kinds.
WorkloadKind workload_kind_from(const nlohmann::json& j);
nlohmann::json record_json(const Record& record);
nlohmann::json value_json(const Value& value);
/// Any JSON object as a record (and any value as a value); throws Error on a non-object.
Record record_from(const nlohmann::json& j);
Value value_from(const nlohmann::json& j);

nlohmann::json host_json(const HostFacts& host);
HostFacts host_from(const nlohmann::json& j);
nlohmann::json devices_json(const std::vector<DeviceRecord>& devices);
std::vector<DeviceRecord> devices_from(const nlohmann::json& j);
nlohmann::json harness_json(const HarnessFacts& harness);
HarnessFacts harness_from(const nlohmann::json& j);
nlohmann::json telemetry_json(const std::optional<Telemetry>& telemetry);
std::optional<Telemetry> telemetry_from(const nlohmann::json& j);

nlohmann::json fleet_json(const std::vector<FleetEntry>& entries);
nlohmann::json ranks_json(const std::vector<RankRecord>& ranks);
std::vector<FleetEntry> fleet_from(const nlohmann::json& j);
std::vector<RankRecord> ranks_from(const nlohmann::json& j);

}  // namespace hashflop::results::json_parts
