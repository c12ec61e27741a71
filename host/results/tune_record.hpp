// What `hashflop tune` calibrated: the sha256d search's candidates on one device and, on the
// CPU, the block sizes of every tiled GEMM variant, and whether the wisdom file kept them. Its
// JSON is tune_json.cpp; its tables are report/tune_tables.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gemm/gemm_types.hpp"
#include "results/result.hpp"

namespace hashflop::results {

/// One tiled GEMM variant's block sizes, calibrated at fp32.
struct GemmTuning {
  std::string variant;
  gemm::GemmShape shape;
  Selection selection;
};

struct TuneRecord {
  std::string device, device_name;  ///< id ("cpu", "cuda:N") and model name
  std::optional<unsigned> threads;  ///< the CPU's threads; nullopt on a GPU
  Selection sha256d;
  /// What runs use before any calibration (the CPUID variant; on a GPU, the first kernel at
  /// the occupancy API's geometry).
  std::string uncalibrated;
  std::vector<GemmTuning> gemm;
  /// GEMM was asked for on a GPU, which has no block sizes to calibrate.
  bool gemm_not_applicable = false;
  bool wisdom_wanted = true;  ///< false: --no-wisdom
  std::string wisdom_file;    ///< where the outcome was kept; empty: not kept
};

/// One JSON object, `hashflop tune --json`'s output, ending in a newline.
std::string format_json(const TuneRecord& record);

}  // namespace hashflop::results
