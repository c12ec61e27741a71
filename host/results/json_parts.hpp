// The pieces of a results document's JSON, shared by result_json.cpp and fleet_json.cpp.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "results/result.hpp"

namespace hashflop::results::json_parts {

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

/// The value at `key`, or nullopt when the key is absent or null. Throws on a wrong type.
template <typename T>
std::optional<T> get_opt(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

/// Checks the params keys readers take as text ("dtype"): a number there would make every later
/// value("dtype", "") throw outside the input's error handling. Throws Error.
void check_params(const nlohmann::json& params, const char* whose);

/// The workload kind `j` names; throws Error for any other text, naming the known kinds.
WorkloadKind workload_kind_from(const nlohmann::json& j);

nlohmann::json fleet_json(const std::vector<FleetEntry>& entries);
nlohmann::json ranks_json(const std::vector<RankRecord>& ranks);
std::vector<FleetEntry> fleet_from(const nlohmann::json& j);
std::vector<RankRecord> ranks_from(const nlohmann::json& j);

}  // namespace hashflop::results::json_parts
