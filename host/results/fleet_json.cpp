// A fleet file's `fleet` and `ranks` sections, both ways.
#include <fmt/format.h>

#include "common/error.hpp"
#include "results/json_parts.hpp"

namespace hashflop::results {
namespace {

RankStatus rank_status_from(const std::string& text) {
  for (const auto s : {RankStatus::ok, RankStatus::failed, RankStatus::timeout}) {
    if (to_string(s) == text) return s;
  }
  throw Error(fmt::format("unknown rank status \"{}\"", text));
}

}  // namespace
}  // namespace hashflop::results

namespace hashflop::results::json_parts {
namespace {

using nlohmann::json;

json spread_json(const std::optional<Spread>& s) {
  if (!s) return nullptr;
  return {{"median", s->median}, {"min", s->min}, {"max", s->max}};
}

std::optional<Spread> spread_from(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return Spread{it->at("median").get<double>(), it->at("min").get<double>(),
                it->at("max").get<double>()};
}

}  // namespace

void check_params(const json& params, const char* whose) {
  if (const auto it = params.find("dtype"); it != params.end() && !it->is_string())
    throw Error(fmt::format("{} \"params\".\"dtype\" is not a string", whose));
}

WorkloadKind workload_kind_from(const json& j) {
  const auto text = j.get<std::string>();
  const auto kind = parse_workload_kind(text);
  if (!kind) {
    throw Error(fmt::format("unknown workload \"{}\" (known: {})", text, workload_kind_names()));
  }
  return *kind;
}

json fleet_json(const std::vector<FleetEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries) {
    json outliers = json::array();
    for (const auto& o : e.outliers) {
      outliers.push_back(
          {{"device", o.device}, {"value", o.value}, {"below_median_pct", o.below_median_pct}});
    }
    out.push_back({{"workload", to_string(e.workload)},
                   {"variant", e.variant},
                   {"params", record_json(e.params)},
                   {"work_unit", e.work_unit},
                   {"device_count", e.device_count},
                   {"devices", e.devices},
                   {"not_measured", e.not_measured},
                   {"total_work", e.total_work},
                   {"total_rate", e.total_rate},
                   {"total_watts", opt(e.total_watts)},
                   {"total_joules", opt(e.total_joules)},
                   {"per_joule", opt(e.per_joule)},
                   {"shared_meter_devices", e.shared_meter_devices},
                   {"per_device_rate", spread_json(e.per_device_rate)},
                   {"per_device_per_joule", spread_json(e.per_device_per_joule)},
                   {"outlier_basis", e.outliers_by_per_joule ? "per_joule" : "rate"},
                   {"outliers", outliers},
                   {"window_total_rates", e.window_total_rates},
                   {"incomplete", e.incomplete}});
  }
  return out;
}

std::vector<FleetEntry> fleet_from(const json& j) {
  std::vector<FleetEntry> out;
  for (const auto& f : j) {
    FleetEntry e;
    e.workload = workload_kind_from(f.at("workload"));
    e.variant = f.at("variant").get<std::string>();
    const auto params = f.value("params", json::object());
    if (!params.is_object()) throw Error("a fleet entry's \"params\" is not an object");
    check_params(params, "a fleet entry's");
    e.params = record_from(params);
    e.work_unit = f.at("work_unit").get<std::string>();
    e.device_count = number_at<int>(f, "device_count", 0);
    e.devices = f.value("devices", std::vector<std::string>{});
    e.not_measured = f.value("not_measured", std::vector<std::string>{});
    e.total_work = f.value("total_work", 0.0);
    e.total_rate = f.at("total_rate").get<double>();
    e.total_watts = get_opt<double>(f, "total_watts");
    e.total_joules = get_opt<double>(f, "total_joules");
    e.per_joule = get_opt<double>(f, "per_joule");
    e.shared_meter_devices = number_or<int>(f, "shared_meter_devices", 0, 0);
    e.per_device_rate = spread_from(f, "per_device_rate");
    e.per_device_per_joule = spread_from(f, "per_device_per_joule");
    e.outliers_by_per_joule = f.value("outlier_basis", "rate") == "per_joule";
    for (const auto& o : f.value("outliers", json::array())) {
      e.outliers.push_back({o.at("device").get<std::string>(), o.at("value").get<double>(),
                            o.at("below_median_pct").get<double>()});
    }
    e.window_total_rates = f.value("window_total_rates", std::vector<double>{});
    e.incomplete = f.value("incomplete", false);
    out.push_back(std::move(e));
  }
  return out;
}

json ranks_json(const std::vector<RankRecord>& ranks) {
  json out = json::array();
  for (const auto& r : ranks) out.push_back(to_json(r));
  return out;
}

std::vector<RankRecord> ranks_from(const json& j) {
  std::vector<RankRecord> out;
  for (const auto& k : j) out.push_back(rank_from_json(k));
  return out;
}

}  // namespace hashflop::results::json_parts

namespace hashflop::results {

nlohmann::json to_json(const RankRecord& r) {
  using nlohmann::json;
  if (r.status == RankStatus::timeout && !r.device && r.host.empty()) {
    // All the root knows of a rank it never heard from.
    return {{"rank", r.rank},
            {"status", to_string(r.status)},
            {"error", r.error},
            {"incomplete", r.incomplete}};
  }
  json j = {{"rank", r.rank},
            {"host", r.host},
            {"local_rank", r.local_rank},
            {"local_size", r.local_size},
            {"device_requested", r.device_requested},
            {"device", json_parts::opt(r.device)},
            {"status", to_string(r.status)},
            {"error", r.error},
            {"incomplete", r.incomplete}};
  if (!r.note.empty()) j["note"] = r.note;
  return j;
}

RankRecord rank_from_json(const nlohmann::json& k) {
  RankRecord r;
  r.rank = number_at<int>(k, "rank", 0);
  r.host = k.value("host", "");
  r.local_rank = number_or<int>(k, "local_rank", 0, 0);
  r.local_size = number_or<int>(k, "local_size", 1, 1);
  r.device_requested = k.value("device_requested", "");
  r.device = json_parts::get_opt<std::string>(k, "device");
  r.status = rank_status_from(k.at("status").get<std::string>());
  r.error = k.value("error", "");
  r.note = k.value("note", "");
  r.incomplete = k.value("incomplete", false);
  return r;
}

std::string rank_payload(const Result& part, const RankRecord& rank) {
  auto j = to_json(part);
  j["rank"] = to_json(rank);
  return j.dump();
}

std::pair<Result, RankRecord> read_rank_payload(std::string_view text) {
  const auto j = parse_json(text);
  auto part = from_json(j);
  return {std::move(part), rank_from_json(j.at("rank"))};
}

}  // namespace hashflop::results
