// What a whole model occupies on a device at one phase: every layer's linear weights and the KV
// cache its batch and context need. The transformer workload runs one decoder layer and scales
// it by the model's layers, so it measures a model that need not fit; this says whether the
// device could hold what the per-token rates describe, beside those rates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/model_presets.hpp"
#include "model/transformer_shapes.hpp"

namespace hashflop::model {

/// Whether the model fits, as the results file spells it (`model_fit`).
enum class ModelFit { fits, kv_cache_does_not_fit, weights_do_not_fit };
std::string_view model_fit_name(ModelFit fit);

struct ModelFootprint {
  uint64_t weight_bytes = 0;    ///< linear weights of every layer at the element size
  uint64_t kv_cache_bytes = 0;  ///< K and V of every layer, for batch x context tokens
  uint64_t memory_bytes = 0;    ///< what the device has (GPU: total; CPU: the memory budget)
  ModelFit fit = ModelFit::fits;

  /// Empty when the model fits; else one line for results files, reports and the console.
  std::string note(std::string_view model, std::string_view device) const;
};

/// The footprint of `model` at `phase` with `element_bytes` per weight and cached key or value
/// (no embeddings, LM head or activations, which the workload does not run either), held
/// against `memory_bytes`. Saturates instead of overflowing.
ModelFootprint model_footprint(const ModelPreset& model, const Phase& phase, int element_bytes,
                               uint64_t memory_bytes);

}  // namespace hashflop::model
