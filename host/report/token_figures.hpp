// The transformer workload read as tokens: per phase and batch, tokens/s, tokens/J and J/token,
// and the FLOP/s and bytes/s they imply against the device's compute and memory ceilings
// measured in the same file, so a reader sees which bound applies.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/verdict.hpp"
#include "results/result.hpp"

namespace hashflop::report {

/// The ceilings a file's transformer runs are held against, each with where it came from.
struct TokenCeilings {
  std::optional<double> flops_per_second;  ///< fastest product or GEMM measured in the file
  std::optional<double> bytes_per_second;  ///< the memcopy run in the same file
  std::string flops_source, bytes_source;
};

struct TokenFigure {
  std::string device, model, phase, variant;  ///< phase: prefill or decode; variant: its name
  int64_t batch = 0, context = 0, tokens_per_sequence = 0;
  double tokens_per_second = 0;
  std::optional<double> tokens_per_joule, joules_per_token, avg_watts;
  bool assumed = false;  ///< the joules are --assume-watts
  double flops_per_second = 0, bytes_per_second = 0;
  double flops_per_byte = 0;                                ///< arithmetic intensity of the step
  std::optional<double> compute_fraction, memory_fraction;  ///< of the ceilings
  std::string bound;  ///< "memory", "compute", or "unknown" without both ceilings
  Verdict verification = Verdict::not_verified;
  bool incomplete = false;
  /// The run's `model_fit_note`: why the device could not hold the model (its weights, or its
  /// weights and this phase's KV cache) whose per-token rates these are; empty when it could,
  /// or when the file predates the field.
  std::string fit_note;
};

/// The ceilings measured on `device` ("cpu", "cuda:0") in `r`: a GPU's transformer is held
/// against its own copy and products, never the CPU's in the same file.
TokenCeilings token_ceilings(const results::Result& r, std::string_view device);
/// One figure per measured transformer phase run of `r` (the memcopy run is the ceiling, not a
/// figure); runs without samples are left out.
std::vector<TokenFigure> token_figures(const results::Result& r);

/// The token table `run` and `transformer` print after the run table; nothing without
/// transformer runs.
void print_token_table(std::FILE* to, const results::Result& r);

}  // namespace hashflop::report
