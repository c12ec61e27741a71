// A result's facts as JSON and back: the host, the devices, the harness and a run's telemetry.
// Readers take what older files hold: every key they lack is left unset.
#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"
#include "results/json_parts.hpp"

namespace hashflop::results::json_parts {
namespace {

using nlohmann::json;

template <typename T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

json polled_spread_json(const std::optional<PolledSpread>& s) {
  if (!s) return nullptr;
  return {{"min", s->min}, {"median", s->median}, {"max", s->max}};
}

bool is_number(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j.at(key).is_number();
}

std::optional<PolledSpread> polled_spread_from(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !is_number(*it, "min") || !is_number(*it, "median") ||
      !is_number(*it, "max"))
    return std::nullopt;
  return PolledSpread{it->at("min").get<double>(), it->at("median").get<double>(),
                      it->at("max").get<double>()};
}

std::optional<double> number_or_null(const json& j, const char* key) {
  return is_number(j, key) ? std::optional(j.at(key).get<double>()) : std::nullopt;
}

json num_or_null(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json host_json(const HostFacts& h) {
  json j = {{"cpu_model", h.cpu_model}, {"cpu_features", h.cpu_features}};
  put(j, "logical_cores", h.logical_cores);
  put(j, "os", h.os);
  put(j, "kernel", h.kernel);
  put(j, "kernel_version", h.kernel_version);
  put(j, "machine", h.machine);
  put(j, "hostname", h.hostname);
  return j;
}

HostFacts host_from(const json& j) {
  if (!j.is_object()) throw Error("\"host\" must be an object");
  HostFacts h;
  h.cpu_model = j.value("cpu_model", "");
  h.logical_cores = get_opt<unsigned>(j, "logical_cores");
  h.cpu_features = j.value("cpu_features", std::vector<std::string>{});
  h.os = get_opt<std::string>(j, "os");
  h.kernel = get_opt<std::string>(j, "kernel");
  h.kernel_version = get_opt<std::string>(j, "kernel_version");
  h.machine = get_opt<std::string>(j, "machine");
  h.hostname = get_opt<std::string>(j, "hostname");
  return h;
}

json devices_json(const std::vector<DeviceRecord>& devices) {
  json out = json::array();
  for (const auto& d : devices) {
    json props = json::object();
    for (const auto& [k, v] : d.properties) props[k] = number_or_text(v);  // "SMs": 132
    json j = {{"id", d.id}, {"name", d.name}, {"properties", props}};
    put(j, "energy_source", d.energy_source);
    put(j, "local_id", d.local_id);
    if (d.gpu) {
      const auto& g = *d.gpu;
      j["pci_bus_id"] = g.pci_bus_id;
      j["sm_count"] = g.sm_count;
      j["driver_version"] = g.driver_version;
      j["runtime_version"] = g.runtime_version;
      j["sm_clock_max"] = g.sm_clock_max;
      j["memory_clock_max"] = g.memory_clock_max;
      j["power_limit_watts"] = num_or_null(g.power_limit_watts);
    }
    if (d.placement) {
      const auto& p = *d.placement;
      j["rank"] = p.rank;
      j["host"] = p.host;
      j["affinity"] = p.affinity;
      j["affinity_list"] = p.affinity_list;
      put(j, "affinity_source", p.affinity_source);
      put(j, "threads", p.threads);
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<DeviceRecord> devices_from(const json& j) {
  if (!j.is_array()) throw Error("\"devices\" must be an array");
  std::vector<DeviceRecord> out;
  for (const auto& e : j) {
    if (!e.is_object()) throw Error("a device is not an object");
    DeviceRecord d;
    d.id = e.value("id", "");
    d.name = e.value("name", "");
    if (const auto it = e.find("properties"); it != e.end() && it->is_object()) {
      for (const auto& [k, v] : it->items())
        d.properties.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    d.energy_source = get_opt<std::string>(e, "energy_source");
    d.local_id = get_opt<std::string>(e, "local_id");
    if (e.contains("pci_bus_id")) {
      GpuFacts g;
      g.pci_bus_id = e.value("pci_bus_id", "");
      g.sm_count = e.value("sm_count", "");
      g.driver_version = e.value("driver_version", "");
      g.runtime_version = e.value("runtime_version", "");
      g.sm_clock_max = e.value("sm_clock_max", "");
      g.memory_clock_max = e.value("memory_clock_max", "");
      g.power_limit_watts = get_opt<double>(e, "power_limit_watts");
      d.gpu = std::move(g);
    }
    if (e.contains("rank")) {
      RankPlacement p;
      p.rank = number_at<int>(e, "rank", 0);
      p.host = e.value("host", "");
      p.affinity = e.value("affinity", std::vector<int>{});
      p.affinity_list = e.value("affinity_list", "");
      p.affinity_source = get_opt<std::string>(e, "affinity_source");
      p.threads = get_opt<unsigned>(e, "threads");
      d.placement = std::move(p);
    }
    out.push_back(std::move(d));
  }
  return out;
}

json harness_json(const HarnessFacts& h) {
  json j = json::object();
  put(j, "duration_s", h.duration_s);
  put(j, "repetitions", h.repetitions);
  put(j, "cooldown_s", h.cooldown_s);
  put(j, "idle_s", h.idle_s);
  put(j, "warmup_window_s", h.warmup_window_s);
  put(j, "warmup_max_windows", h.warmup_max_windows);
  put(j, "energy_method", h.energy_method);
  put(j, "energy_source", h.energy_source);
  put(j, "launcher", h.launcher);
  put(j, "ranks", h.ranks);
  return j;
}

HarnessFacts harness_from(const json& j) {
  if (!j.is_object()) throw Error("\"harness\" is not an object");
  if (const auto it = j.find("launcher"); it != j.end() && !it->is_string())
    throw Error("\"harness\".\"launcher\" is not a string");
  HarnessFacts h;
  h.duration_s = get_opt<double>(j, "duration_s");
  h.repetitions = get_opt<int>(j, "repetitions");
  h.cooldown_s = get_opt<double>(j, "cooldown_s");
  h.idle_s = get_opt<double>(j, "idle_s");
  h.warmup_window_s = get_opt<double>(j, "warmup_window_s");
  h.warmup_max_windows = get_opt<int>(j, "warmup_max_windows");
  h.energy_method = get_opt<std::string>(j, "energy_method");
  h.energy_source = get_opt<std::string>(j, "energy_source");
  h.launcher = get_opt<std::string>(j, "launcher");
  h.ranks = get_opt<int>(j, "ranks");
  return h;
}

json telemetry_json(const std::optional<Telemetry>& telemetry) {
  if (!telemetry) return json::object();
  const auto& t = *telemetry;
  json points = json::array();
  for (const auto& p : t.trace) {
    points.push_back({{"t", p.t},
                      {"watts", num_or_null(p.watts)},
                      {"sm_mhz", num_or_null(p.sm_mhz)},
                      {"mem_mhz", num_or_null(p.mem_mhz)},
                      {"temp_c", num_or_null(p.temp_c)},
                      {"reasons", p.reasons}});
  }
  json windows = json::array();
  for (const auto& w : t.windows) windows.push_back({{"start", w.start}, {"end", w.end}});
  return {{"samples", t.samples},
          {"watts", polled_spread_json(t.watts)},
          {"sm_mhz", polled_spread_json(t.sm_mhz)},
          {"mem_mhz", polled_spread_json(t.mem_mhz)},
          {"temp_c", polled_spread_json(t.temp_c)},
          {"clock_event_reasons", t.clock_event_reasons},
          {"trace", points},
          {"windows", windows}};
}

// What a report can draw: a trace point without a numeric `t`, or a window without numeric
// bounds, is left out rather than failing the file.
std::optional<Telemetry> telemetry_from(const json& j) {
  if (!j.is_object()) throw Error("a run's \"telemetry\" is not an object");
  if (j.empty()) return std::nullopt;
  Telemetry t;
  if (is_number(j, "samples") && j.at("samples").is_number_unsigned())
    t.samples = j.at("samples").get<uint64_t>();
  t.watts = polled_spread_from(j, "watts");
  t.sm_mhz = polled_spread_from(j, "sm_mhz");
  t.mem_mhz = polled_spread_from(j, "mem_mhz");
  t.temp_c = polled_spread_from(j, "temp_c");
  if (const auto it = j.find("clock_event_reasons"); it != j.end() && it->is_array()) {
    for (const auto& r : *it)
      if (r.is_string()) t.clock_event_reasons.push_back(r.get<std::string>());
  }
  if (const auto it = j.find("trace"); it != j.end() && it->is_array()) {
    for (const auto& p : *it) {
      if (!is_number(p, "t")) continue;
      TracePoint point;
      point.t = p.at("t").get<double>();
      point.watts = number_or_null(p, "watts");
      point.sm_mhz = number_or_null(p, "sm_mhz");
      point.mem_mhz = number_or_null(p, "mem_mhz");
      point.temp_c = number_or_null(p, "temp_c");
      if (p.contains("reasons") && p.at("reasons").is_number_unsigned())
        point.reasons = p.at("reasons").get<uint64_t>();
      t.trace.push_back(point);
    }
  }
  if (const auto it = j.find("windows"); it != j.end() && it->is_array()) {
    for (const auto& w : *it) {
      if (is_number(w, "start") && is_number(w, "end"))
        t.windows.push_back({w.at("start").get<double>(), w.at("end").get<double>()});
    }
  }
  return t;
}

}  // namespace hashflop::results::json_parts
