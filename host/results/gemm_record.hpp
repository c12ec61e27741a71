// What `hashflop gemm` measured on one device: a row per variant it tried, with how a tiled
// CPU variant's block sizes were chosen. Its JSON is gemm_json.cpp; its table is
// report/gemm_table.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gemm/gemm_runner.hpp"
#include "results/result.hpp"

namespace hashflop::results {

struct GemmRow {
  gemm::GemmRunResult run;
  std::optional<Selection> selection;  ///< tiled CPU variants: how the blocking was chosen
};

struct GemmRecord {
  std::string device;  ///< "cpu" or "cuda:N"
  gemm::GemmShape shape;
  float alpha = 1.0f, beta = 0.0f;
  int repetitions = 0;
  std::vector<GemmRow> rows;  ///< in the order they ran
  std::size_t planned = 0;    ///< variants chosen to run; more than rows when interrupted
  bool interrupted = false;
};

/// One JSON object, `hashflop gemm --json`'s output, ending in a newline.
std::string format_json(const GemmRecord& record);

}  // namespace hashflop::results
