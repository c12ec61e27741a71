// Model presets (schema "hashflop/models/v1"): the decoder shapes the transformer workload runs,
// read from one data file (data/models.json, shipped as share/hashflop/models.json, by
// results/model_presets_file.hpp), each with the published config it was transcribed from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hashflop::model {

inline constexpr const char* models_schema_id = "hashflop/models/v1";
/// The preset `hashflop transformer` and `run --workloads transformer` use without --model.
inline constexpr std::string_view default_model = "llama-3.2-1b";

/// One decoder-only model's shapes, as its config.json gives them.
struct ModelPreset {
  std::string name, description, source;
  int64_t hidden = 0;        ///< hidden_size
  int64_t intermediate = 0;  ///< intermediate_size (the MLP's gate and up width)
  int64_t layers = 0;        ///< num_hidden_layers
  int64_t heads = 0;         ///< num_attention_heads
  int64_t kv_heads = 0;      ///< num_key_value_heads (grouped-query attention)
  int64_t head_dim = 0;

  int64_t q_dim() const { return heads * head_dim; }
  int64_t kv_dim() const { return kv_heads * head_dim; }
  /// Query heads sharing one KV head.
  int64_t group() const { return heads / kv_heads; }
  /// Elements of one decoder layer's linear weights: QKV, O, gate+up and down.
  int64_t layer_weight_elements() const;
};

/// Throws Error ("models[index] (name): ...") when `preset` is not a model: heads that are not
/// a multiple of kv_heads, or weights whose byte count would not fit in 64 bits. The models
/// file's reader (results/model_presets_file.hpp) calls it on every entry.
void check_preset(const ModelPreset& preset, size_t index);

/// The preset called `name` in `presets`; throws UsageError listing them when there is none.
const ModelPreset& find_model(std::string_view name, const std::vector<ModelPreset>& presets);

}  // namespace hashflop::model
