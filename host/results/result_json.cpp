// A result's JSON, both ways. Every key a reader needs is read with at() (a missing key is a
// json exception that from_json turns into one Error), optional ones with get_opt or value().
#include <fmt/format.h>

#include "common/error.hpp"
#include "results/json_parts.hpp"

namespace hashflop::results {
namespace {

using json_parts::get_opt;
using json_parts::opt;
using nlohmann::json;

// A measured quantity (work, seconds, a rate, joules, watts, work per joule): finite and not
// negative, and below what any device does (1e30 per second); a file that says otherwise was
// not written by a measurement, and `report` would print "-1 million hashes/J".
constexpr double max_quantity = 1e30;

double quantity(const json& j, const char* key) {
  return number_at<double>(j, key, 0.0, max_quantity);
}

std::optional<double> opt_quantity(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return quantity(j, key);
}

json stats_json(const Stats& s) {
  return {{"n", s.n},
          {"median", s.median},
          {"min", s.min},
          {"max", s.max},
          {"mean", s.mean},
          {"stddev", s.stddev},
          {"ci95", {s.ci95_low, s.ci95_high}},
          {"cv", s.cv}};
}

Stats stats_from(const json& j) {
  Stats s;
  s.n = number_at<int>(j, "n", 0);
  s.median = j.at("median").get<double>();
  s.min = j.at("min").get<double>();
  s.max = j.at("max").get<double>();
  s.mean = j.at("mean").get<double>();
  s.stddev = j.at("stddev").get<double>();
  s.ci95_low = j.at("ci95").at(0).get<double>();
  s.ci95_high = j.at("ci95").at(1).get<double>();
  s.cv = j.at("cv").get<double>();
  return s;
}

json energy_json(const Energy& e) {
  return {{"method", e.method},
          {"assumed", e.assumed},
          {"joules", e.joules},
          {"avg_watts", e.avg_watts},
          {"idle_watts", opt(e.idle_watts)},
          {"net_joules", opt(e.net_joules)},
          {"integral_joules", opt(e.integral_joules)},
          {"disagreement_pct", opt(e.disagreement_pct)},
          {"counter_update_ms", opt(e.counter_update_ms)}};
}

Energy energy_from(const json& e) {
  Energy en;
  en.method = e.at("method").get<std::string>();
  en.assumed = e.at("assumed").get<bool>();
  en.joules = quantity(e, "joules");
  en.avg_watts = quantity(e, "avg_watts");
  en.idle_watts = get_opt<double>(e, "idle_watts");
  en.net_joules = get_opt<double>(e, "net_joules");
  en.integral_joules = get_opt<double>(e, "integral_joules");
  en.disagreement_pct = get_opt<double>(e, "disagreement_pct");
  en.counter_update_ms = get_opt<double>(e, "counter_update_ms");
  return en;
}

Verdict verdict_from(const json& j);

}  // namespace

std::string_view to_string(ChosenBy how) {
  switch (how) {
    case ChosenBy::measured:
      return "measured";
    case ChosenBy::wisdom:
      return "wisdom";
    case ChosenBy::forced:
      return "forced";
    case ChosenBy::cpuid:
      return "cpuid";
  }
  return "cpuid";
}

std::optional<ChosenBy> parse_chosen_by(std::string_view text) {
  for (const auto how : {ChosenBy::measured, ChosenBy::wisdom, ChosenBy::forced, ChosenBy::cpuid}) {
    if (to_string(how) == text) return how;
  }
  return std::nullopt;
}

json to_json(const Selection& s) {
  json candidates = json::array();
  for (const auto& c : s.candidates) {
    candidates.push_back({{"name", c.name},
                          {"rate", opt(c.rate)},
                          {"verification", to_string(c.verification)},
                          {"detail", c.detail}});
  }
  return {{"chosen_by", to_string(s.chosen_by)},
          {"choice", s.choice},
          {"reason", s.reason},
          {"candidates", candidates},
          {"calibration_s", opt(s.calibration_seconds)},
          {"calibrated_at", s.calibrated_at}};
}

Selection selection_from_json(const json& j) {
  Selection s;
  const auto how = parse_chosen_by(j.at("chosen_by").get<std::string>());
  if (!how) throw Error(fmt::format("unknown chosen_by {}", j.at("chosen_by").dump()));
  s.chosen_by = *how;
  s.choice = j.at("choice").get<std::string>();
  s.reason = j.value("reason", "");
  for (const auto& c : j.at("candidates")) {
    CandidateRate r;
    r.name = c.at("name").get<std::string>();
    r.rate = opt_quantity(c, "rate");
    r.verification = verdict_from(c.at("verification"));
    r.detail = c.value("detail", "");
    s.candidates.push_back(std::move(r));
  }
  s.calibration_seconds = opt_quantity(j, "calibration_s");
  s.calibrated_at = j.value("calibrated_at", "");
  return s;
}

namespace {

json run_to_json(const Run& r) {
  json samples = json::array();
  for (const auto& s : r.samples) {
    json sample = {{"work", s.work},
                   {"seconds", s.seconds},
                   {"rate", s.rate},
                   {"joules", opt(s.joules)},
                   {"avg_watts", opt(s.avg_watts)},
                   {"per_joule", opt(s.per_joule)}};
    // Written only when measured: a reader tells "no NVML" from a reading by the key's absence.
    if (s.sm_mhz) sample["sm_mhz"] = *s.sm_mhz;
    if (s.integral_joules) sample["integral_joules"] = *s.integral_joules;
    if (s.counter_to_integral) sample["counter_to_integral"] = *s.counter_to_integral;
    if (s.short_window) sample["short_window"] = true;
    if (!s.clock_event_reasons.empty()) sample["clock_event_reasons"] = s.clock_event_reasons;
    if (s.throttled) sample["throttled"] = true;
    samples.push_back(std::move(sample));
  }
  json j = {
      {"workload", to_string(r.workload)},
      {"variant", r.variant},
      {"device", r.device},
      {"params", json_parts::record_json(r.params)},
      {"work_unit", r.work_unit},
      {"work", r.work},
      {"seconds", r.seconds},
      {"rate", r.rate},
      {"energy", r.energy ? energy_json(*r.energy) : json(nullptr)},
      {"per_joule", opt(r.per_joule)},
      {"samples", samples},
      {"stats", stats_json(r.stats)},
      {"per_joule_stats", r.per_joule_stats ? stats_json(*r.per_joule_stats) : json(nullptr)},
      {"verification", {{"status", to_string(r.verification)}, {"detail", r.verification_detail}}},
      {"telemetry", json_parts::telemetry_json(r.telemetry)},
      {"warnings", r.warnings},
      {"incomplete", r.incomplete}};
  if (!r.energy) j["energy_unavailable_reason"] = r.energy_unavailable_reason;
  if (r.selection) j["selection"] = to_json(*r.selection);
  if (r.throttled_windows_discarded > 0)
    j["throttled_windows_discarded"] = r.throttled_windows_discarded;
  return j;
}

Verdict verdict_from(const json& j) {
  const auto text = j.get<std::string>();
  const auto v = parse_verdict(text);
  if (!v) throw Error(fmt::format("unknown verification status \"{}\"", text));
  return *v;
}

Run run_from_json_impl(const json& j) {
  Run r;
  r.workload = json_parts::workload_kind_from(j.at("workload"));
  r.variant = j.at("variant").get<std::string>();
  r.device = j.at("device").get<std::string>();
  const auto& params = j.at("params");
  if (!params.is_object()) throw Error("a run's \"params\" is not an object");
  json_parts::check_params(params, "a run's");
  r.params = json_parts::record_from(params);
  r.work_unit = j.at("work_unit").get<std::string>();
  r.work = quantity(j, "work");
  r.seconds = quantity(j, "seconds");
  r.rate = quantity(j, "rate");
  if (const auto& e = j.at("energy"); !e.is_null()) {
    r.energy = energy_from(e);
  } else {
    r.energy_unavailable_reason = j.value("energy_unavailable_reason", "");
  }
  r.per_joule = opt_quantity(j, "per_joule");
  for (const auto& s : j.at("samples")) {
    // Files before the clock and cross-check fields have none of them: all optional.
    r.samples.push_back(
        {.work = quantity(s, "work"),
         .seconds = quantity(s, "seconds"),
         .rate = quantity(s, "rate"),
         .joules = opt_quantity(s, "joules"),
         .avg_watts = opt_quantity(s, "avg_watts"),
         .per_joule = opt_quantity(s, "per_joule"),
         .sm_mhz = opt_quantity(s, "sm_mhz"),
         .integral_joules = opt_quantity(s, "integral_joules"),
         .counter_to_integral = opt_quantity(s, "counter_to_integral"),
         .short_window = s.value("short_window", false),
         .clock_event_reasons = s.value("clock_event_reasons", std::vector<std::string>{}),
         .throttled = s.value("throttled", false)});
  }
  r.stats = stats_from(j.at("stats"));
  if (!j.at("per_joule_stats").is_null()) r.per_joule_stats = stats_from(j.at("per_joule_stats"));
  r.verification = verdict_from(j.at("verification").at("status"));
  r.verification_detail = j.at("verification").at("detail").get<std::string>();
  r.telemetry = json_parts::telemetry_from(j.value("telemetry", json::object()));
  r.warnings = j.value("warnings", std::vector<std::string>{});
  r.incomplete = j.value("incomplete", false);
  r.throttled_windows_discarded =
      json_parts::get_opt<int>(j, "throttled_windows_discarded").value_or(0);
  if (const auto it = j.find("selection"); it != j.end() && !it->is_null())
    r.selection = selection_from_json(*it);
  return r;
}

json headline_json(const std::optional<Headline>& h) {
  if (!h) return nullptr;
  return {{"basis", h->per_joule ? "energy" : "rate"},
          {"assumed", h->assumed},
          {"sha256d_variant", h->sha256d_variant},
          {"gemm_variant", h->gemm_variant},
          {"gemm_dtype", h->gemm_dtype},
          {h->per_joule ? "hashes_per_joule" : "hashes_per_second", h->hashes},
          {h->per_joule ? "flops_per_joule" : "flops_per_second", h->flops},
          {"flops_per_hash", opt(h->flops_per_hash)}};
}

}  // namespace

nlohmann::json to_json(const Run& run) {
  return run_to_json(run);
}

Run run_from_json(const nlohmann::json& j) {
  return run_from_json_impl(j);
}

json to_json(const Result& result) {
  json runs = json::array();
  for (const auto& r : result.runs) runs.push_back(run_to_json(r));
  json j = {
      {"schema", schema_id},
      {"tool",
       {{"name", "hashflop"}, {"version", result.tool_version}, {"git_commit", result.git_commit}}},
      {"started", result.started},
      {"finished", result.finished},
      {"host", json_parts::host_json(result.host)},
      {"devices", json_parts::devices_json(result.devices)},
      {"harness", json_parts::harness_json(result.harness)},
      {"runs", runs},
      {"incomplete", result.incomplete},
      {"warnings", result.warnings},
      {"headline", headline_json(headline(result))}};
  if (result.fleet) {
    j["fleet"] = json_parts::fleet_json(result.fleet->entries);
    j["ranks"] = json_parts::ranks_json(result.fleet->ranks);
  }
  return j;
}

std::string format_json(const Result& result) {
  return to_json(result).dump(2) + "\n";
}

Result from_json(const json& j) {
  if (!j.is_object() || !j.contains("schema")) throw Error("not a hashflop result: no \"schema\"");
  if (j.at("schema") != schema_id) {
    throw Error(fmt::format("unsupported schema {} (this hashflop reads {})", j.at("schema").dump(),
                            schema_id));
  }
  try {
    Result r;
    r.tool_version = j.at("tool").at("version").get<std::string>();
    r.git_commit = j.at("tool").at("git_commit").get<std::string>();
    r.started = j.at("started").get<std::string>();
    r.finished = j.at("finished").get<std::string>();
    if (!j.at("host").is_object() || !j.at("devices").is_array())
      throw Error("\"host\" must be an object and \"devices\" an array");
    r.host = json_parts::host_from(j.at("host"));
    r.devices = json_parts::devices_from(j.at("devices"));
    r.harness = json_parts::harness_from(j.value("harness", json::object()));
    for (const auto& run : j.at("runs")) r.runs.push_back(run_from_json_impl(run));
    r.incomplete = j.at("incomplete").get<bool>();
    r.warnings = j.value("warnings", std::vector<std::string>{});
    const bool fleet = j.contains("fleet") && !j.at("fleet").is_null();
    if (fleet || (j.contains("ranks") && !j.at("ranks").is_null())) {
      r.fleet = Fleet{json_parts::fleet_from(j.at("fleet")), json_parts::ranks_from(j.at("ranks"))};
    }
    return r;
  } catch (const json::exception& e) {
    throw Error(fmt::format("malformed {} document: {}", schema_id, e.what()));
  } catch (const Error& e) {
    throw Error(fmt::format("malformed {} document: {}", schema_id, e.what()));
  }
}

std::string to_json_text(const Result& result) {
  return to_json(result).dump(2) + "\n";
}

Result load_result(const std::filesystem::path& path) {
  const json j = read_json_file(path, "results file");
  return convert_input(path, [&] { return from_json(j); });
}

Result result_from_json_text(std::string_view text) {
  return from_json(parse_json(text));
}

}  // namespace hashflop::results
