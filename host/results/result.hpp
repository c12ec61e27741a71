// The results model, schema "hashflop/result/v1" (docs/results-schema.md). Typed all the way:
// JSON appears only in results/*_json.cpp. `run` writes it; `compare` and `report` read it back
// with load_result.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/record.hpp"
#include "common/verdict.hpp"
#include "common/workload_kind.hpp"

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
  /// NVML: the energy counter's update period observed, in ms, when window edges were aligned
  /// to its updates; nullopt when they were not.
  std::optional<double> counter_update_ms{};
};

/// How a run's variant or settings were chosen (docs/results-schema.md, "selection").
enum class ChosenBy {
  measured,  ///< calibrated now, before the measurement
  wisdom,    ///< a calibration of this machine and build, from the wisdom file
  forced,    ///< named by the user (--variant)
  cpuid,     ///< the static default from CPUID (or the cache sizes): nothing was measured
};
std::string_view to_string(ChosenBy how);
std::optional<ChosenBy> parse_chosen_by(std::string_view text);

/// One candidate of a calibration: its median rate over the short trials, or why it has none.
struct CandidateRate {
  std::string name;            ///< a variant, or for GEMM a blocking "mc=... kc=... nc=..."
  std::optional<double> rate;  ///< work per second; nullopt: not timed (it failed)
  Verdict verification = Verdict::not_verified;
  std::string detail;
};

/// What was chosen for a run, how, and what the other candidates measured.
struct Selection {
  ChosenBy chosen_by = ChosenBy::cpuid;
  std::string choice;  ///< the variant, or the settings (GEMM blocking)
  std::string reason;  ///< one line: why this one
  std::vector<CandidateRate> candidates;
  std::optional<double> calibration_seconds;  ///< wall time of the calibration it came from
  std::string calibrated_at;                  ///< UTC ISO 8601 of that calibration; empty: none
};

struct Run;

/// One measured window.
struct Sample {
  double work = 0, seconds = 0, rate = 0;
  std::optional<double> joules, avg_watts, per_joule;
  // The four below have initialisers, so the six-value brace initialisations written before
  // them stay complete under -Wmissing-field-initializers.
  /// The SM clock's time-weighted mean over the meter's polls in this window (NVML); nullopt
  /// (absent from the file) without a meter that reads clocks.
  std::optional<double> sm_mhz{};
  /// NVML with an energy counter: polled power integrated over this window, and the counter's
  /// joules over it (1 when the two agree).
  std::optional<double> integral_joules{}, counter_to_integral{};
  /// Shorter than the meter trusts (NVML: 5 s): its joules are coarse; the run has a warning.
  bool short_window = false;
  /// NVML clock-event reasons seen in this window, and whether one of them capped the clock for
  /// power or heat (energy::throttles).
  std::vector<std::string> clock_event_reasons{};
  bool throttled = false;
};

/// min, median and max of one quantity over a run's windows.
struct WindowSpread {
  size_t n = 0;
  double min = 0, median = 0, max = 0;
};
/// The spread of the samples' counter_to_integral; nullopt when no window has one.
std::optional<WindowSpread> counter_to_integral_spread(const Run& run);
/// Windows marked short_window.
size_t short_windows(const Run& run);
/// Windows marked throttled, and the reasons seen in them, each once, in order.
size_t throttled_windows(const Run& run);
std::vector<std::string> throttle_reasons(const Run& run);

/// {min, median, max} of one polled quantity over a run's measured windows.
struct PolledSpread {
  double min = 0, median = 0, max = 0;
  bool operator==(const PolledSpread&) const = default;
};

/// One poll of the meter; a quantity it did not read is nullopt (null in the file).
struct TracePoint {
  double t = 0;  ///< seconds from the first window's start
  std::optional<double> watts{}, sm_mhz{}, mem_mhz{}, temp_c{};
  uint64_t reasons = 0;  ///< NVML clock-event reasons, a bitmask
};

/// A measured window's [start, end] in seconds, on the trace's clock.
struct WindowSpan {
  double start = 0, end = 0;
};

/// What the meter polled over a run's windows (docs/results-schema.md, "telemetry").
struct Telemetry {
  uint64_t samples = 0;
  std::optional<PolledSpread> watts, sm_mhz, mem_mhz, temp_c;
  std::vector<std::string> clock_event_reasons;
  std::vector<TracePoint> trace;  ///< at most ~200 points
  std::vector<WindowSpan> windows;
};

struct Run {
  WorkloadKind workload = WorkloadKind::sha256d;
  std::string variant, device;
  Record params;          ///< what the workload says about itself (Workload::params)
  std::string work_unit;  ///< hash, flop, token or byte (memory copy)
  double work = 0, seconds = 0, rate = 0;  ///< totals over the samples; rate = work / seconds
  std::optional<Energy> energy;
  std::string energy_unavailable_reason;
  std::optional<double> per_joule;  ///< work / joules
  std::vector<Sample> samples;
  Stats stats;  ///< of the samples' rates
  std::optional<Stats> per_joule_stats;
  Verdict verification = Verdict::not_verified;
  std::string verification_detail;
  std::optional<Telemetry> telemetry;  ///< nullopt: not measured (written as {})
  std::vector<std::string> warnings;
  bool incomplete = false;
  /// Windows measured and then dropped for throttling (--discard-throttled); not in samples.
  int throttled_windows_discarded = 0;
  /// How the variant (and its settings) were chosen; nullopt in files written before it existed.
  std::optional<Selection> selection;
};

/// The headline: best hashes against best FLOPs, per joule when energy was measured, else per
/// second.
struct Headline {
  bool per_joule = false;  ///< basis "energy"; false: basis "rate"
  bool assumed = false;    ///< the joules are --assume-watts
  std::string sha256d_variant, gemm_variant, gemm_dtype;
  double hashes = 0, flops = 0;  ///< per joule or per second, after `per_joule`
  std::optional<double> flops_per_hash;
};

/// {median, min, max} of one quantity over a fleet's devices.
struct Spread {
  double median = 0, min = 0, max = 0;
};

struct FleetOutlier {
  std::string device;
  double value = 0, below_median_pct = 0;
};

/// One workload, variant and params over every device of a fleet (docs/results-schema.md).
struct FleetEntry {
  WorkloadKind workload = WorkloadKind::sha256d;
  std::string variant, work_unit;
  Record params;
  int device_count = 0;
  std::vector<std::string> devices, not_measured;
  double total_work = 0, total_rate = 0;
  std::optional<double> total_watts, total_joules, per_joule;
  int shared_meter_devices = 0;
  std::optional<Spread> per_device_rate, per_device_per_joule;
  bool outliers_by_per_joule = false;  ///< outlier_basis "per_joule"; false: "rate"
  std::vector<FleetOutlier> outliers;
  std::vector<double> window_total_rates;
  bool incomplete = false;
};

enum class RankStatus { ok, failed, timeout };
std::string_view to_string(RankStatus status);

/// One rank of a fleet: where it ran and how it ended.
struct RankRecord {
  int rank = 0;
  std::string host;
  int local_rank = 0, local_size = 1;
  std::string device_requested;
  std::optional<std::string> device;  ///< its rank-qualified id; nullopt: it never opened one
  RankStatus status = RankStatus::ok;
  std::string error, note;
  bool incomplete = false;
};

/// A fleet file's totals and ranks.
struct Fleet {
  std::vector<FleetEntry> entries;
  std::vector<RankRecord> ranks;
};

/// The machine a result was measured on. uname's fields are nullopt (absent) when it failed.
struct HostFacts {
  std::string cpu_model;
  std::optional<unsigned> logical_cores;  ///< nullopt only in a file that lacks it
  std::vector<std::string> cpu_features;
  std::optional<std::string> os, kernel, kernel_version, machine, hostname;
};

/// A GPU's facts beside its properties (the CUDA backend's describe()).
struct GpuFacts {
  std::string pci_bus_id, sm_count, driver_version, runtime_version, sm_clock_max, memory_clock_max;
  std::optional<double> power_limit_watts;  ///< NVML's; nullopt (null) when it has none
};

/// Where a fleet rank ran, beside its device.
struct RankPlacement {
  int rank = 0;
  std::string host;
  std::vector<int> affinity;  ///< the CPUs it may run on
  std::string affinity_list;  ///< the same, as "0-3,8"
  /// CPU ranks only: how the CPUs were picked, and the threads it runs.
  std::optional<std::string> affinity_source;
  std::optional<unsigned> threads;
};

/// One entry of a results file's `devices` (Backend::describe, then the session's labels).
struct DeviceRecord {
  std::string id, name;
  std::vector<std::pair<std::string, std::string>> properties;
  std::optional<std::string> energy_source;
  std::optional<std::string> local_id;  ///< a fleet rank's device id on its own host
  std::optional<GpuFacts> gpu;
  std::optional<RankPlacement> placement;

  /// The property `key`, or an empty string.
  std::string property(std::string_view key) const;
};

/// How a result was measured (docs/results-schema.md, "harness"); each field absent when unset.
struct HarnessFacts {
  std::optional<double> duration_s, cooldown_s, idle_s, warmup_window_s;
  std::optional<int> repetitions, warmup_max_windows;
  std::optional<std::string> energy_method, energy_source;
  std::optional<std::string> launcher;  ///< fleets: mpi, threads, ...
  std::optional<int> ranks;

  bool empty() const;
};

struct Result {
  std::string tool_version, git_commit;
  std::string started, finished;  ///< UTC ISO 8601
  HostFacts host;
  std::vector<DeviceRecord> devices;
  HarnessFacts harness;
  std::vector<Run> runs;
  bool incomplete = false;
  std::vector<std::string> warnings;
  /// Fleet files only (docs/results-schema.md, "Fleet"); nullopt in a one-device file.
  std::optional<Fleet> fleet;
};

/// What a rank sends the root: its part of the result and its record, as one JSON text.
std::string rank_payload(const Result& part, const RankRecord& rank);
/// Throws (a JSON or an Error) when `text` is not a rank's payload.
std::pair<Result, RankRecord> read_rank_payload(std::string_view text);

/// A new result stamped with this hashflop (version, commit), the host and the start time.
Result begin_result();

/// The best sha256d run against the best GEMM run: by work per joule when both have energy,
/// else by rate. nullopt when either workload has no measured run.
std::optional<Headline> headline(const Result& result);

/// The results document as `run` writes it: JSON indented by 2, with a final newline.
std::string to_json_text(const Result& result);
/// A record's (or a value's) JSON on one line: the text two equal records share.
std::string to_json_text(const Record& record);
std::string to_json_text(const Value& value);
/// Fills a run's totals, stats and energy (method, joules, average watts) from its samples:
/// the harness after the windows, and recovery from a crashed rank's spool. Energy only when
/// every sample has joules; otherwise run.energy is empty and the caller gives the reason.
void summarize_samples(Run& run, const std::string& energy_method, bool assumed);
/// Parses a hashflop/result/v1 document; throws Error (a JSON error among them) when it is not
/// one.
Result result_from_json_text(std::string_view text);

/// Writes atomically: a temporary file in the same directory, fsync, rename. Makes no
/// directory: a missing one is a UsageError. Throws Error.
void write_atomically(const std::filesystem::path& path, const std::string& text);
/// Throws UsageError unless a file can be created in `path`'s directory, which must exist (a
/// path the user typed is never made up: a typo would silently become a new folder): what
/// write_atomically needs, checked before anything is measured.
void check_writable(const std::filesystem::path& path);
/// Where results files go without --out: $XDG_DATA_HOME/hashflop/results when XDG_DATA_HOME is
/// an absolute path, else $HOME/.local/share/hashflop/results. Throws UsageError when neither
/// is set.
std::filesystem::path default_results_dir();
/// default_results_dir(), made if missing (the one folder hashflop makes itself). Throws
/// UsageError when it cannot be.
std::filesystem::path make_default_results_dir();
/// Reads and checks the schema; throws UsageError naming the file (and the JSON path).
Result load_result(const std::filesystem::path& path);
/// <host>-<device>-<UTC start time>.json
std::string default_file_name(const Result& result, const std::string& device);
/// default_results_dir()/default_file_name(...)
std::string default_path(const Result& result, const std::string& device);

/// UTC ISO 8601 with seconds, e.g. 2024-05-01T12:00:00Z.
std::string utc_now_iso8601();
/// The host: CPU model, cores, features, OS and kernel (uname), hostname.
HostFacts host_facts();
/// HASHFLOP_GIT_COMMIT as configured by CMake, or "unknown".
std::string git_commit();

}  // namespace hashflop::results
