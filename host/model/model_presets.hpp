// Model presets (schema "hashflop/models/v1"): the decoder shapes the transformer workload runs,
// read from one data file (data/models.json, shipped as share/hashflop/models.json), each with
// the published config it was transcribed from.
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

/// Reads and checks a models file. Throws UsageError naming the file and the field.
std::vector<ModelPreset> load_model_presets(const std::filesystem::path& path);

/// The presets hashflop ships (share/hashflop/models.json beside the binary, or
/// $HASHFLOP_DATA_DIR); read once. Throws UsageError when the file is missing or malformed.
const std::vector<ModelPreset>& model_presets();

/// The preset called `name`; throws UsageError listing the presets when there is none.
const ModelPreset& find_model(std::string_view name);
/// As find_model, in `presets`.
const ModelPreset& find_model(std::string_view name, const std::vector<ModelPreset>& presets);

}  // namespace hashflop::model
