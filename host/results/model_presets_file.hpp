// The models file (data/models.json): read into model::ModelPreset here, in the results layer,
// where hashflop's JSON is read (results/model_presets_json.cpp).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "model/model_presets.hpp"

namespace hashflop::results {

/// Reads and checks a models file. Throws UsageError naming the file and the field.
std::vector<model::ModelPreset> load_model_presets(const std::filesystem::path& path);

/// The presets hashflop ships (share/hashflop/models.json beside the binary, or
/// $HASHFLOP_DATA_DIR); read once. Throws UsageError when the file is missing or malformed.
const std::vector<model::ModelPreset>& model_presets();

/// The shipped preset called `name`; throws UsageError listing the presets when there is none.
const model::ModelPreset& find_model(std::string_view name);

}  // namespace hashflop::results
