#include "model/model_presets.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/checked_math.hpp"
#include "common/data_files.hpp"
#include "common/error.hpp"
#include "common/json_input.hpp"

namespace hashflop::model {
namespace {

// Far beyond any published model (the largest dense configs have hidden sizes near 2^15); a
// bound keeps every product of two sizes well inside int64.
constexpr int64_t max_dimension = int64_t{1} << 20;

std::string text_at(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j.at(key).is_string() || j.at(key).get<std::string>().empty())
    throw Error(fmt::format("needs a non-empty string \"{}\"", key));
  return j.at(key).get<std::string>();
}

ModelPreset parse_preset(const nlohmann::json& j, size_t index) {
  if (!j.is_object()) throw Error(fmt::format("models[{}]: not an object", index));
  ModelPreset p;
  try {
    p.name = text_at(j, "name");
    p.source = text_at(j, "source");
    p.description = j.value("description", "");
    p.hidden = number_at<int64_t>(j, "hidden", 1, max_dimension);
    p.intermediate = number_at<int64_t>(j, "intermediate", 1, max_dimension);
    p.layers = number_at<int64_t>(j, "layers", 1, 100000);
    p.heads = number_at<int64_t>(j, "heads", 1, max_dimension);
    p.kv_heads = number_at<int64_t>(j, "kv_heads", 1, max_dimension);
    p.head_dim = number_at<int64_t>(j, "head_dim", 1, max_dimension);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("models[{}]: {}", index, e.what()));
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw Error(fmt::format("models[{}]: {}", index, e.what()));
  }
  if (p.heads % p.kv_heads != 0)
    throw Error(fmt::format("models[{}] ({}): heads {} is not a multiple of kv_heads {}", index,
                            p.name, p.heads, p.kv_heads));
  // Every size derived from these (weights in bytes, at fp32) must fit in 64 bits: checked once
  // here, so no later product of them can wrap.
  try {
    (void)checked_mul(checked_mul(p.layer_weight_elements(), 4, "one layer's weight bytes"),
                      p.layers, "the model's weight bytes");
  } catch (const Error& e) {
    throw Error(fmt::format("models[{}] ({}): {}", index, p.name, e.what()));
  }
  return p;
}

}  // namespace

int64_t ModelPreset::layer_weight_elements() const {
  constexpr std::string_view what = "one layer's weight count";
  const int64_t q = checked_mul(heads, head_dim, what), kv = checked_mul(kv_heads, head_dim, what);
  const int64_t qkv = checked_mul(hidden, checked_add(q, checked_mul(2, kv, what), what), what);
  const int64_t o = checked_mul(q, hidden, what);
  const int64_t gate_up = checked_mul(checked_mul(hidden, 2, what), intermediate, what);
  const int64_t down = checked_mul(intermediate, hidden, what);
  return checked_add(checked_add(qkv, o, what), checked_add(gate_up, down, what), what);
}

std::vector<ModelPreset> load_model_presets(const std::filesystem::path& path) {
  return convert_input(path, [&] {
    const auto j = read_json_file(path, "models file");
    if (!j.is_object() || j.value("schema", "") != models_schema_id)
      throw Error(
          fmt::format("not a {} document (\"schema\" missing or different)", models_schema_id));
    if (!j.contains("models") || !j.at("models").is_array() || j.at("models").empty())
      throw Error("needs a non-empty array \"models\"");
    std::vector<ModelPreset> out;
    for (size_t i = 0; i < j.at("models").size(); ++i) {
      auto p = parse_preset(j.at("models").at(i), i);
      for (const auto& q : out) {
        if (q.name == p.name) throw Error(fmt::format("model \"{}\" is listed twice", p.name));
      }
      out.push_back(std::move(p));
    }
    return out;
  });
}

const std::vector<ModelPreset>& model_presets() {
  static const std::vector<ModelPreset> presets = [] {
    const auto file = data_file("models.json");
    if (!file) {
      throw UsageError(
          "no models file: hashflop's data directory (share/hashflop beside the binary, or "
          "$HASHFLOP_DATA_DIR) has no models.json");
    }
    return load_model_presets(*file);
  }();
  return presets;
}

const ModelPreset& find_model(std::string_view name, const std::vector<ModelPreset>& presets) {
  std::string known;
  for (const auto& p : presets) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw UsageError(fmt::format("unknown model '{}' (presets: {})", name, known));
}

const ModelPreset& find_model(std::string_view name) {
  return find_model(name, model_presets());
}

}  // namespace hashflop::model
