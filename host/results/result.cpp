#include "results/result.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop::results {
namespace fs = std::filesystem;
using nlohmann::json;

double t_critical_95(int df) {
  // Two-sided 95% quantiles of Student's t; beyond the table the normal value is close enough.
  static constexpr double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                     2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                     2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                     2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return std::nan("");
  if (df <= 30) return table[df - 1];
  if (df <= 60) return 2.000 + (2.042 - 2.000) * (60.0 - df) / 30.0;
  return 1.960 + 0.04 * 60.0 / df;
}

Stats compute_stats(const std::vector<double>& values) {
  Stats s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  std::vector<double> v = values;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.min = v.front();
  s.max = v.back();
  s.median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(n);
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stddev = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0;
  const double half =
      n > 1 ? t_critical_95(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(n)) : 0;
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  s.cv = s.mean != 0 ? s.stddev / s.mean : 0;
  return s;
}

namespace {

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <typename T>
std::optional<T> get_opt(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<T>();
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
  s.n = j.at("n").get<int>();
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

json run_json(const Run& r) {
  json energy = nullptr;
  if (r.energy) {
    const auto& e = *r.energy;
    energy = {{"method", e.method},
              {"assumed", e.assumed},
              {"joules", e.joules},
              {"avg_watts", e.avg_watts},
              {"idle_watts", opt(e.idle_watts)},
              {"net_joules", opt(e.net_joules)},
              {"integral_joules", opt(e.integral_joules)},
              {"disagreement_pct", opt(e.disagreement_pct)}};
  }
  json samples = json::array();
  for (const auto& s : r.samples) {
    samples.push_back({{"work", s.work},
                       {"seconds", s.seconds},
                       {"rate", s.rate},
                       {"joules", opt(s.joules)},
                       {"avg_watts", opt(s.avg_watts)},
                       {"per_joule", opt(s.per_joule)}});
  }
  json j = {
      {"workload", r.workload},
      {"variant", r.variant},
      {"device", r.device},
      {"params", r.params},
      {"work_unit", r.work_unit},
      {"work", r.work},
      {"seconds", r.seconds},
      {"rate", r.rate},
      {"energy", energy},
      {"per_joule", opt(r.per_joule)},
      {"samples", samples},
      {"stats", stats_json(r.stats)},
      {"per_joule_stats", r.per_joule_stats ? stats_json(*r.per_joule_stats) : json(nullptr)},
      {"verification", {{"status", r.verification_status}, {"detail", r.verification_detail}}},
      {"telemetry", r.telemetry},
      {"warnings", r.warnings},
      {"incomplete", r.incomplete}};
  if (!r.energy) j["energy_unavailable_reason"] = r.energy_unavailable_reason;
  return j;
}

Run run_from(const json& j) {
  Run r;
  r.workload = j.at("workload").get<std::string>();
  r.variant = j.at("variant").get<std::string>();
  r.device = j.at("device").get<std::string>();
  r.params = j.at("params");
  r.work_unit = j.at("work_unit").get<std::string>();
  r.work = j.at("work").get<double>();
  r.seconds = j.at("seconds").get<double>();
  r.rate = j.at("rate").get<double>();
  if (const auto& e = j.at("energy"); !e.is_null()) {
    Energy en;
    en.method = e.at("method").get<std::string>();
    en.assumed = e.at("assumed").get<bool>();
    en.joules = e.at("joules").get<double>();
    en.avg_watts = e.at("avg_watts").get<double>();
    en.idle_watts = get_opt<double>(e, "idle_watts");
    en.net_joules = get_opt<double>(e, "net_joules");
    en.integral_joules = get_opt<double>(e, "integral_joules");
    en.disagreement_pct = get_opt<double>(e, "disagreement_pct");
    r.energy = en;
  } else {
    r.energy_unavailable_reason = j.value("energy_unavailable_reason", "");
  }
  r.per_joule = get_opt<double>(j, "per_joule");
  for (const auto& s : j.at("samples")) {
    r.samples.push_back({s.at("work").get<double>(), s.at("seconds").get<double>(),
                         s.at("rate").get<double>(), get_opt<double>(s, "joules"),
                         get_opt<double>(s, "avg_watts"), get_opt<double>(s, "per_joule")});
  }
  r.stats = stats_from(j.at("stats"));
  if (!j.at("per_joule_stats").is_null()) r.per_joule_stats = stats_from(j.at("per_joule_stats"));
  r.verification_status = j.at("verification").at("status").get<std::string>();
  r.verification_detail = j.at("verification").at("detail").get<std::string>();
  r.telemetry = j.value("telemetry", json::object());
  r.warnings = j.value("warnings", std::vector<std::string>{});
  r.incomplete = j.value("incomplete", false);
  return r;
}

// The best run of `workload` by per-joule (energy basis) or by rate.
const Run* best_run(const Result& result, std::string_view workload, bool energy) {
  const Run* best = nullptr;
  for (const auto& r : result.runs) {
    if (r.workload != workload || r.samples.empty()) continue;
    const double v = energy ? r.per_joule.value_or(-1) : r.rate;
    if (energy && !r.per_joule) continue;
    if (best == nullptr || v > (energy ? *best->per_joule : best->rate)) best = &r;
  }
  return best;
}

}  // namespace

json headline(const Result& result) {
  for (const bool energy : {true, false}) {
    const Run* hash = best_run(result, "sha256d", energy);
    const Run* gemm = best_run(result, "gemm", energy);
    if (hash == nullptr || gemm == nullptr) continue;
    const double h = energy ? *hash->per_joule : hash->rate;
    const double f = energy ? *gemm->per_joule : gemm->rate;
    const bool assumed = energy && hash->energy && hash->energy->assumed;
    return {{"basis", energy ? "energy" : "rate"},
            {"assumed", assumed},
            {"sha256d_variant", hash->variant},
            {"gemm_variant", gemm->variant},
            {"gemm_dtype", gemm->params.value("dtype", "")},
            {energy ? "hashes_per_joule" : "hashes_per_second", h},
            {energy ? "flops_per_joule" : "flops_per_second", f},
            {"flops_per_hash", h > 0 ? json(f / h) : json(nullptr)}};
  }
  return nullptr;
}

json to_json(const Result& result) {
  json runs = json::array();
  for (const auto& r : result.runs) runs.push_back(run_json(r));
  json j = {
      {"schema", schema_id},
      {"tool",
       {{"name", "hashflop"}, {"version", result.tool_version}, {"git_commit", result.git_commit}}},
      {"started", result.started},
      {"finished", result.finished},
      {"host", result.host},
      {"devices", result.devices},
      {"harness", result.harness},
      {"runs", runs},
      {"incomplete", result.incomplete},
      {"warnings", result.warnings},
      {"headline", headline(result)}};
  if (!result.fleet.is_null()) j["fleet"] = result.fleet;
  if (!result.ranks.is_null()) j["ranks"] = result.ranks;
  return j;
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
    r.host = j.at("host");
    r.devices = j.at("devices");
    r.harness = j.value("harness", json::object());
    for (const auto& run : j.at("runs")) r.runs.push_back(run_from(run));
    r.incomplete = j.at("incomplete").get<bool>();
    r.warnings = j.value("warnings", std::vector<std::string>{});
    r.fleet = j.value("fleet", json(nullptr));
    r.ranks = j.value("ranks", json(nullptr));
    return r;
  } catch (const json::exception& e) {
    throw Error(fmt::format("malformed {} document: {}", schema_id, e.what()));
  }
}

void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  // Built piecewise: GCC 12 gives a false -Wrestrict on the one-expression concatenation.
  std::string name(".");
  name.append(path.filename().string()).append(".XXXXXX");
  std::string tmp = (dir / name).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    throw Error(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(fmt::format("cannot write {}: {}", tmp, std::strerror(e)));
    }
    done += static_cast<size_t>(n);
  }
  // Durable before it becomes visible: a crash leaves the old file or the new one, never half.
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("cannot write {}: {}", path.string(), std::strerror(e)));
  }
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

Result load_result(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read {}", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::exception& e) {
    throw Error(fmt::format("{}: not JSON: {}", path.string(), e.what()));
  }
  try {
    return from_json(j);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

}  // namespace hashflop::results
