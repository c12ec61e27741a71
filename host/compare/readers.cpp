// One reader per format behind load_dataset. Both end in the same Series, so pairing,
// statistics and printing never ask where the numbers came from.
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include "common/units.hpp"

#include "common/error.hpp"
#include "compare/dataset.hpp"
#include "compare/fleet_series.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"

namespace hashflop::compare {
namespace {

using nlohmann::json;

// Appends to the series with the same key, so repeated entries pool their samples.
Series& series_for(Dataset& d, const std::string& key) {
  for (auto& s : d.series) {
    if (s.key == key) return s;
  }
  auto& s = d.series.emplace_back();
  s.key = key;
  return s;
}

double seconds_per(const std::string& unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  throw UsageError(fmt::format("unknown time_unit '{}'", unit));
}

// Google Benchmark: per-repetition entries (run_type "iteration") are the samples; the
// aggregates (mean, median, stddev, cv) it adds are summaries of those and are ignored.
void read_google_benchmark(const json& j, Dataset& d) {
  if (j.contains("context") && j.at("context").contains("hashflop_pair")) {
    // --benchmark_context writes every value as a string.
    const auto& v = j.at("context").at("hashflop_pair");
    const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    std::size_t used = 0;
    long pair = -1;
    try {
      pair = std::stol(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty() || pair < 0) {
      throw UsageError(fmt::format("context hashflop_pair '{}' is not a pair index", text));
    }
    d.pair = pair;
  }
  for (const auto& b : j.at("benchmarks")) {
    if (b.value("run_type", "iteration") == "aggregate") continue;
    const std::string name = b.value("run_name", b.at("name").get<std::string>());
    if (b.value("error_occurred", false)) {
      d.skipped.push_back(fmt::format("{}: {}", name, b.value("error_message", "skipped")));
      continue;
    }
    auto& s = series_for(d, name);
    s.label = name;
    if (b.contains("items_per_second")) {
      s.unit = "items/s";
      s.rate.push_back(b.at("items_per_second").get<double>());
    } else {
      s.unit = "iterations/s";
      const double t = b.at("real_time").get<double>() * seconds_per(b.value("time_unit", "ns"));
      if (t <= 0) throw UsageError(fmt::format("{}: real_time is not positive", name));
      s.rate.push_back(1 / t);
    }
  }
}

std::string device_name(const results::Result& r, const std::string& id) {
  for (const auto& dev : r.devices) {
    if (dev.id == id) return dev.name.empty() ? id : dev.name;
  }
  return id;
}

// Params that identify the workload; `settings` (the tuning a run chose) and `header` (the
// same fixed header in every run) are left out of the label to keep it short.
std::string params_label(const Record& params) {
  std::string out;
  for (const auto& [k, v] : params.fields()) {
    if (k == "settings" || k == "header" || k == "flops_per_product" || v.list() || v.record())
      continue;
    out += fmt::format("/{}:{}", k, v.text() ? *v.text() : results::to_json_text(v));
  }
  return out;
}

// hashflop result: one series per run, keyed by workload, variant, params and device name.
void read_result(const json& j, Dataset& d) {
  const auto r = results::from_json(j);
  for (const auto& run : r.runs) {
    auto params = run.params;
    params.erase("settings");  // an outcome of the run (tuning), not part of what was asked
    // Fleet files: devices of one model differ by rank, so pair by the rank-qualified id.
    const auto dev = r.fleet ? run.device : device_name(r, run.device);
    const auto key =
        fmt::format("{}|{}|{}|{}", run.workload, run.variant, results::to_json_text(params), dev);
    if (run.samples.empty()) {
      d.skipped.push_back(fmt::format("{}/{}: no samples (verification {})", run.workload,
                                      run.variant, to_string(run.verification)));
      continue;
    }
    auto& s = series_for(d, key);
    s.label = fmt::format("{}/{}{} @ {}", run.workload, run.variant, params_label(params), dev);
    s.unit = rate_unit(run.work_unit);
    s.per_joule_unit = per_joule_unit(run.work_unit);
    std::vector<double> pj;
    bool all_energy = true;
    for (const auto& sample : run.samples) {
      s.rate.push_back(sample.rate);
      if (sample.per_joule) {
        pj.push_back(*sample.per_joule);
      } else {
        all_energy = false;
      }
    }
    if (all_energy) {
      s.per_joule = std::move(pj);
    } else if (run.per_joule) {
      s.per_joule = std::vector<double>{*run.per_joule};  // the run's total, one sample
    }
  }
  add_fleet_series(r, d);
}

}  // namespace

const char* format_name(Format format) {
  return format == Format::hashflop_result ? "hashflop result" : "Google Benchmark";
}

Dataset load_dataset(const std::filesystem::path& path) {
  const json j = read_json_file(path);
  Dataset d;
  d.path = path;
  try {
    if (j.is_object() && j.contains("schema")) {
      if (j["schema"] != results::schema_id) {
        throw UsageError(
            fmt::format("unknown schema {} (expected {})", j["schema"].dump(), results::schema_id));
      }
      d.format = Format::hashflop_result;
      read_result(j, d);
    } else if (j.is_object() && j.contains("benchmarks") && j["benchmarks"].is_array()) {
      d.format = Format::google_benchmark;
      read_google_benchmark(j, d);
    } else {
      throw UsageError(
          "unknown format: neither a hashflop/result/v1 file nor Google Benchmark JSON");
    }
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", path.string(), e.what()));
  } catch (const std::exception& e) {  // json type errors, Error from results::from_json
    throw UsageError(
        fmt::format("{}: malformed {} file: {}", path.string(), format_name(d.format), e.what()));
  }
  if (d.series.empty() && d.skipped.empty())
    throw UsageError(fmt::format("{}: no benchmarks or runs in the file", path.string()));
  return d;
}

}  // namespace hashflop::compare
