// The pieces of a results document's JSON, shared by the results layer's readers and writers
// (results/*_json.cpp) and compare/'s readers: the only header outside them that names
// nlohmann::json.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "results/result.hpp"

namespace hashflop::results {

nlohmann::json to_json(const Selection& selection);
/// Throws nlohmann::json exceptions or Error when `j` is not a selection.
Selection selection_from_json(const nlohmann::json& j);
/// One rank's record as it travels to the root and sits in `ranks`.
nlohmann::json to_json(const RankRecord& rank);
/// Throws nlohmann::json exceptions or Error when `j` is not a rank record.
RankRecord rank_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Result& result);
/// One run, as it sits in a results file's `runs`.
nlohmann::json to_json(const Run& run);
/// Throws nlohmann::json exceptions or Error when `j` is not a run.
Run run_from_json(const nlohmann::json& j);
/// Throws Error when `j` is not a hashflop/result/v1 document.
Result from_json(const nlohmann::json& j);

}  // namespace hashflop::results

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
nlohmann::json record_json(const Record& record);
nlohmann::json value_json(const Value& value);
/// Any JSON object as a record (and any value as a value); throws Error on a non-object.
Record record_from(const nlohmann::json& j);
Value value_from(const nlohmann::json& j);

nlohmann::json host_json(const HostFacts& host);
HostFacts host_from(const nlohmann::json& j);
nlohmann::json devices_json(const std::vector<DeviceRecord>& devices);
std::vector<DeviceRecord> devices_from(const nlohmann::json& j);
nlohmann::json harness_json(const HarnessFacts& harness);
HarnessFacts harness_from(const nlohmann::json& j);
nlohmann::json telemetry_json(const std::optional<Telemetry>& telemetry);
std::optional<Telemetry> telemetry_from(const nlohmann::json& j);

nlohmann::json fleet_json(const std::vector<FleetEntry>& entries);
nlohmann::json ranks_json(const std::vector<RankRecord>& ranks);
std::vector<FleetEntry> fleet_from(const nlohmann::json& j);
std::vector<RankRecord> ranks_from(const nlohmann::json& j);

}  // namespace hashflop::results::json_parts
