// The results model and its JSON, schema "hashflop/result/v1" (docs/results-schema.md). `run`
// writes it; `compare` and `report` read it back with load_result.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hashflop::results {

inline constexpr const char* schema_id = "hashflop/result/v1";

/// Summary of one quantity over the repetitions.
struct Stats {
  int n = 0;
  double median = 0, min = 0, max = 0, mean = 0, stddev = 0;
  double ci95_low = 0, ci95_high = 0;  ///< 95% confidence interval of the mean (t-distribution)
  double cv = 0;                       ///< coefficient of variation: stddev / mean
};

/// Median, extremes, mean, sample standard deviation, t-based 95% CI and CV of `values`.
Stats compute_stats(const std::vector<double>& values);
/// Two-sided 95% Student t critical value for `df` degrees of freedom.
double t_critical_95(int df);

struct Energy {
  std::string method;  ///< rapl, nvml-energy-counter, nvml-power-integral, hwmon-power-integral
                       ///< or assumed
  bool assumed = false;
  double joules = 0, avg_watts = 0;
  std::optional<double> idle_watts, net_joules;
  /// NVML: polled power integrated, and its disagreement with the counter in percent.
  std::optional<double> integral_joules, disagreement_pct;
};

/// One measured window.
struct Sample {
  double work = 0, seconds = 0, rate = 0;
  std::optional<double> joules, avg_watts, per_joule;
};

struct Run {
  std::string workload;  ///< sha256d or gemm
  std::string variant, device;
  nlohmann::json params = nlohmann::json::object();
  std::string work_unit;                   ///< hash or flop
  double work = 0, seconds = 0, rate = 0;  ///< totals over the samples; rate = work / seconds
  std::optional<Energy> energy;
  std::string energy_unavailable_reason;
  std::optional<double> per_joule;  ///< work / joules
  std::vector<Sample> samples;
  Stats stats;  ///< of the samples' rates
  std::optional<Stats> per_joule_stats;
  std::string verification_status = "not_verified", verification_detail;
  nlohmann::json telemetry = nlohmann::json::object();
  std::vector<std::string> warnings;
  bool incomplete = false;
};

struct Result {
  std::string tool_version, git_commit;
  std::string started, finished;  ///< UTC ISO 8601
  nlohmann::json host = nlohmann::json::object();
  nlohmann::json devices = nlohmann::json::array();
  nlohmann::json harness = nlohmann::json::object();
  std::vector<Run> runs;
  bool incomplete = false;
  std::vector<std::string> warnings;
  /// Fleet files only (docs/results-schema.md, "Fleet"): totals per workload and variant over
  /// every device, and every rank's status. Null in a one-device file, and then not written.
  nlohmann::json fleet = nullptr, ranks = nullptr;
};

/// The headline: best hashes per joule against best FLOPs per joule, and their ratio; falls
/// back to rates (basis "rate") when energy was not measured.
nlohmann::json headline(const Result& result);

nlohmann::json to_json(const Result& result);
/// Throws Error when `j` is not a hashflop/result/v1 document.
Result from_json(const nlohmann::json& j);

/// Writes atomically: a temporary file in the same directory, fsync, rename. Creates the
/// directory. Throws Error.
void write_atomically(const std::filesystem::path& path, const std::string& text);
/// Reads and checks the schema; throws Error naming the file.
Result load_result(const std::filesystem::path& path);

/// UTC ISO 8601 with seconds, e.g. 2024-05-01T12:00:00Z.
std::string utc_now_iso8601();
/// The host: CPU model, cores, features, OS and kernel (uname), hostname.
nlohmann::json host_facts();
/// HASHFLOP_GIT_COMMIT as configured by CMake, or "unknown".
std::string git_commit();

}  // namespace hashflop::results
