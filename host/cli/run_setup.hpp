// The pieces of `hashflop run` that the fleet modes reuse per device: options, the harness
// options they imply, the device's energy meter, its results entry, its workloads and the table.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "energy/energy_meter.hpp"
#include "harness/harness.hpp"
#include "harness/workload.hpp"
#include "results/result.hpp"

namespace hashflop::cli {

struct RunOptions {
  std::string device = "auto", workloads = "sha256d,gemm", out;
  std::optional<double> duration, cooldown, assume_watts, rank_timeout;
  std::optional<int> repetitions;
  std::optional<int64_t> gemm_size;
  unsigned threads = 0;
  bool quick = false, json = false;
};

/// --quick or the defaults, with --duration, --repetitions and --cooldown applied.
harness::HarnessOptions harness_options(const RunOptions& o);
/// The energy source for the device, or a "none" meter saying why there is none.
std::unique_ptr<energy::EnergyMeter> open_meter(const DeviceInfo& info, bool cuda,
                                                harness::Progress& progress);
/// The device's entry in a results file's `devices`.
nlohmann::json device_json(const DeviceInfo& info, bool cuda);
/// The workloads --workloads asks for, as this device runs them; adds a warning to `warnings`
/// when no GEMM variant runs here. Throws UsageError for an unknown workload name.
std::vector<std::unique_ptr<harness::Workload>> make_workloads(const RunOptions& o,
                                                               Backend& backend, int cuda_index,
                                                               std::vector<std::string>& warnings);
/// results/<host>-<device>-<UTC time>.json
std::string default_path(const results::Result& r, const std::string& device);
/// The per-run table `hashflop run` prints.
void print_table(std::FILE* to, const results::Result& r, const nlohmann::json& head);

}  // namespace hashflop::cli
