#include "model/model_footprint.hpp"

#include <limits>

#include <fmt/format.h>

#include "common/checked_math.hpp"

namespace hashflop::model {
namespace {

double footprint_gb(uint64_t bytes) {
  return double(bytes) / 1e9;
}

}  // namespace

std::string_view model_fit_name(ModelFit fit) {
  switch (fit) {
    case ModelFit::fits:
      return "fits";
    case ModelFit::kv_cache_does_not_fit:
      return "kv_cache_does_not_fit";
    case ModelFit::weights_do_not_fit:
      return "weights_do_not_fit";
  }
  return "fits";
}

ModelFootprint model_footprint(const ModelPreset& m, const Phase& phase, int element_bytes,
                               uint64_t memory_bytes) {
  const auto eb = static_cast<uint64_t>(element_bytes);
  const auto layers = static_cast<uint64_t>(m.layers);
  ModelFootprint f;
  f.memory_bytes = memory_bytes;
  f.weight_bytes =
      saturating_mul(saturating_mul(layers, static_cast<uint64_t>(m.layer_weight_elements())), eb);
  // Every sequence of the batch keeps `context` keys and values per layer and KV head.
  const uint64_t tokens =
      saturating_mul(static_cast<uint64_t>(phase.batch), static_cast<uint64_t>(phase.context));
  f.kv_cache_bytes = saturating_mul(
      saturating_mul(saturating_mul(layers, tokens), 2 * static_cast<uint64_t>(m.kv_dim())), eb);
  if (f.weight_bytes > memory_bytes) {
    f.fit = ModelFit::weights_do_not_fit;
  } else if (saturating_add(f.weight_bytes, f.kv_cache_bytes) > memory_bytes) {
    f.fit = ModelFit::kv_cache_does_not_fit;
  }
  return f;
}

std::string ModelFootprint::note(std::string_view model, std::string_view device) const {
  switch (fit) {
    case ModelFit::fits:
      return {};
    case ModelFit::weights_do_not_fit:
      return fmt::format(
          "{}'s weights ({:.1f} GB) do not fit {}'s {:.1f} GB: its per-token rates scale one "
          "layer to a model this device cannot hold",
          model, footprint_gb(weight_bytes), device, footprint_gb(memory_bytes));
    case ModelFit::kv_cache_does_not_fit:
      return fmt::format(
          "{}'s weights ({:.1f} GB) and this phase's KV cache ({:.1f} GB) do not fit {}'s "
          "{:.1f} GB together: its per-token rates scale one layer to a batch this device "
          "cannot hold",
          model, footprint_gb(weight_bytes), footprint_gb(kv_cache_bytes), device,
          footprint_gb(memory_bytes));
  }
  return {};
}

}  // namespace hashflop::model
