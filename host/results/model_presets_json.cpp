// The model presets file (data/models.json, schema hashflop/models/v1) read into
// model::ModelPreset, each checked by model::check_preset.
#include <fmt/format.h>

#include "common/data_files.hpp"
#include "common/error.hpp"
#include "results/json_parts.hpp"
#include "results/model_presets_file.hpp"

namespace hashflop::results {
namespace {

// Far beyond any published model (the largest dense configs have hidden sizes near 2^15); a
// bound keeps every product of two sizes well inside int64.
constexpr int64_t max_dimension = int64_t{1} << 20;

std::string text_at(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j.at(key).is_string() || j.at(key).get<std::string>().empty())
    throw Error(fmt::format("needs a non-empty string \"{}\"", key));
  return j.at(key).get<std::string>();
}

model::ModelPreset parse_preset(const nlohmann::json& j, size_t index) {
  if (!j.is_object()) throw Error(fmt::format("models[{}]: not an object", index));
  model::ModelPreset p;
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
  model::check_preset(p, index);
  return p;
}

}  // namespace

std::vector<model::ModelPreset> load_model_presets(const std::filesystem::path& path) {
  return convert_input(path, [&] {
    const auto j = read_json_file(path, "models file");
    if (!j.is_object() || j.value("schema", "") != model::models_schema_id)
      throw Error(fmt::format("not a {} document (\"schema\" missing or different)",
                              model::models_schema_id));
    if (!j.contains("models") || !j.at("models").is_array() || j.at("models").empty())
      throw Error("needs a non-empty array \"models\"");
    std::vector<model::ModelPreset> out;
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

const std::vector<model::ModelPreset>& model_presets() {
  static const std::vector<model::ModelPreset> presets = [] {
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

const model::ModelPreset& find_model(std::string_view name) {
  return model::find_model(name, model_presets());
}

}  // namespace hashflop::results
