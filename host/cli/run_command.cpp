// `hashflop run`: the measurement. sha256d with the device's best variant and GEMM for every
// variant and dtype the device runs, each verified, warmed up and measured through one harness
// and one energy meter; prints a table and writes a hashflop/result/v1 file.
#include <unistd.h>

#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/run_setup.hpp"
#include "common/error.hpp"
#include "energy/hwmon_meter.hpp"
#include "energy/nvml_meter.hpp"
#include "energy/rapl_meter.hpp"
#include "fleet/fleet.hpp"
#include "gemm/gemm_variants.hpp"
#include "harness/harness.hpp"
#include "results/result.hpp"

namespace hashflop::cli {
namespace {

std::string property(const DeviceInfo& info, std::string_view key) {
  for (const auto& [k, v] : info.properties) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace

std::unique_ptr<energy::EnergyMeter> open_meter(const DeviceInfo& info, bool cuda,
                                                harness::Progress& progress) {
  std::variant<std::unique_ptr<energy::EnergyMeter>, std::string> opened;
  if (cuda) {
    const auto bus = property(info, "PCI bus id");
    opened =
        bus.empty() ? std::string("the CUDA device reports no PCI bus id") : energy::open_nvml(bus);
  } else {
    // RAPL, else hwmon: Arm CPUs have no RAPL, and Grace reports its socket power there.
    opened = energy::open_rapl(energy::powercap_root());
    if (const auto* no_rapl = std::get_if<std::string>(&opened)) {
      auto hwmon = energy::open_hwmon(energy::hwmon_root());
      if (const auto* no_hwmon = std::get_if<std::string>(&hwmon))
        hwmon = *no_rapl + "; " + *no_hwmon;
      opened = std::move(hwmon);
    }
  }
  if (auto* meter = std::get_if<std::unique_ptr<energy::EnergyMeter>>(&opened))
    return std::move(*meter);
  const auto& why = std::get<std::string>(opened);
  progress.log(fmt::format("energy: not measured: {}", why));
  return energy::make_none_meter(why);
}

nlohmann::json device_json(const DeviceInfo& info, bool cuda) {
  nlohmann::json props = nlohmann::json::object();
  for (const auto& [k, v] : info.properties) props[k] = v;
  nlohmann::json j = {{"id", info.id}, {"name", info.name}, {"properties", props}};
  if (cuda) {
    const auto bus = property(info, "PCI bus id");
    j["pci_bus_id"] = bus;
    j["sm_count"] = property(info, "SMs");
    j["driver_version"] = property(info, "driver version");
    j["runtime_version"] = property(info, "runtime version");
    j["sm_clock_max"] = property(info, "SM clock (max)");
    j["memory_clock_max"] = property(info, "memory clock (max)");
    const auto limit = energy::nvml_power_limit_watts(bus);
    j["power_limit_watts"] = limit ? nlohmann::json(*limit) : nlohmann::json(nullptr);
  }
  return j;
}

std::string default_path(const results::Result& r, const std::string& device) {
  std::string stamp = r.started;
  std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
  std::string dev = device;
  std::replace(dev.begin(), dev.end(), ':', '_');
  return fmt::format("results/{}-{}-{}.json", r.host.value("hostname", "host"), dev, stamp);
}

void print_table(std::FILE* to, const results::Result& r, const nlohmann::json& head) {
  fmt::print(to, "{:<8} {:<13} {:<5} {:>14} {:>9} {:>10} {:>15} {:>9}  {}\n", "workload", "variant",
             "dtype", "rate", "avg W", "joules", "work/J", "J/TH", "verification");
  for (const auto& run : r.runs) {
    const std::string dtype = run.params.value("dtype", "");
    const bool e = run.energy.has_value();
    const std::string mark = e && run.energy->assumed ? "*" : "";
    fmt::print(
        to, "{:<8} {:<13} {:<5} {:>14} {:>9} {:>10} {:>15} {:>9}  {}\n", run.workload, run.variant,
        dtype, harness::format_rate(run.rate, run.work_unit),
        e ? fmt::format("{:.2f}{}", run.energy->avg_watts, mark) : "-",
        e ? fmt::format("{:.2f}{}", run.energy->joules, mark) : "-",
        run.per_joule ? harness::format_per_joule(*run.per_joule, run.work_unit) + mark : "-",
        run.per_joule && run.workload == "sha256d"
            ? fmt::format("{:.3g}{}", 1e12 / *run.per_joule, mark)
            : "-",
        run.verification_status + (run.incomplete ? " (incomplete)" : ""));
  }
  if (!r.runs.empty() && !r.runs.front().energy) {
    fmt::print(to, "energy not measured: {}\n", r.runs.front().energy_unavailable_reason);
  }
  if (!head.is_null()) {
    const bool energy = head["basis"] == "energy";
    fmt::print(to, "headline ({}{}): {} vs {} ({} {}): {:.4g} FLOP per hash\n",
               energy ? "per joule" : "per second, energy not measured",
               head["assumed"] == true ? ", ASSUMED watts" : "",
               energy ? harness::format_per_joule(head["hashes_per_joule"], "hash")
                      : harness::format_rate(head["hashes_per_second"], "hash"),
               energy ? harness::format_per_joule(head["flops_per_joule"], "flop")
                      : harness::format_rate(head["flops_per_second"], "flop"),
               head["gemm_variant"].get<std::string>(), head["gemm_dtype"].get<std::string>(),
               head["flops_per_hash"].is_null() ? 0.0 : head["flops_per_hash"].get<double>());
  }
  if (std::any_of(r.runs.begin(), r.runs.end(),
                  [](const auto& x) { return x.energy && x.energy->assumed; })) {
    fmt::print(to, "* assumed: watts given with --assume-watts, not measured\n");
  }
}

harness::HarnessOptions harness_options(const RunOptions& o) {
  auto opts = o.quick ? harness::HarnessOptions::quick() : harness::HarnessOptions{};
  if (o.duration) opts.duration = *o.duration;
  if (o.repetitions) opts.repetitions = *o.repetitions;
  if (o.cooldown) opts.cooldown = *o.cooldown;
  opts.idle_seconds = std::min(opts.idle_seconds, std::max(opts.duration, 1.0));
  opts.warmup_window = std::min(opts.warmup_window, std::max(opts.duration / 2, 0.1));
  return opts;
}

std::vector<std::unique_ptr<harness::Workload>> make_workloads(const RunOptions& o,
                                                               Backend& backend, int cuda_index,
                                                               std::vector<std::string>& warnings) {
  bool want_sha = false, want_gemm = false;
  for (const auto& w : CLI::detail::split(o.workloads, ',')) {
    if (w == "sha256d")
      want_sha = true;
    else if (w == "gemm")
      want_gemm = true;
    else
      throw UsageError(fmt::format("unknown workload '{}' (known: sha256d, gemm)", w));
  }
  const DeviceInfo& info = backend.info();
  const bool cuda = info.id.starts_with("cuda");
  std::vector<std::unique_ptr<harness::Workload>> work;
  if (want_sha)
    work.push_back(cuda ? harness::make_cuda_sha256d(backend, cuda_index)
                        : harness::make_cpu_sha256d(backend, o.threads));
  if (want_gemm) {
    const int64_t size = o.gemm_size.value_or(cuda ? 8192 : 2048);
    const auto kind = cuda ? gemm::DeviceKind::cuda : gemm::DeviceKind::cpu;
    for (const auto& v : gemm::gemm_variants()) {
      if (v.device != kind) continue;
      for (const auto d :
           {gemm::Dtype::fp32, gemm::Dtype::tf32, gemm::Dtype::bf16, gemm::Dtype::fp16}) {
        if (v.unavailable(d).empty())
          work.push_back(harness::make_gemm(v, d, size, o.threads, info.id));
      }
    }
    if (work.size() == (want_sha ? 1u : 0u))
      warnings.push_back("no GEMM variant runs on " + info.id);
  }
  return work;
}

namespace {

void execute(const RunOptions& o, Outcome& outcome) {
  if (fleet::fleet_requested(o.device)) {
    outcome.exit_code = fleet::run_fleet(o);
    return;
  }
  const auto opts = harness_options(o);
  const auto spec = DeviceSpec::parse(o.device);
  auto backend = open_backend(spec);
  const DeviceInfo& info = backend->info();
  const bool cuda = info.id.starts_with("cuda");
  harness::InterruptGuard interrupt;
  auto& stop = harness::InterruptGuard::stop_requested();
  harness::Progress progress(harness::Progress::stderr_is_tty());

  results::Result result;
  result.tool_version = HASHFLOP_VERSION;
  result.git_commit = results::git_commit();
  result.started = results::utc_now_iso8601();
  result.host = results::host_facts();
  result.devices.push_back(device_json(info, cuda));

  auto meter = o.assume_watts ? energy::make_assumed_meter(*o.assume_watts, "not measured")
                              : open_meter(info, cuda, progress);
  progress.log(fmt::format("device {} ({}); energy: {}", info.id, info.name, meter->source()));
  if (opts.duration < 1) {
    progress.log(fmt::format(
        "warning: {:.2f} s windows are under 1 s; energy counters update about every 100 ms",
        opts.duration));
  }
  result.harness = {
      {"duration_s", opts.duration},           {"repetitions", opts.repetitions},
      {"cooldown_s", opts.cooldown},           {"idle_s", opts.idle_seconds},
      {"warmup_window_s", opts.warmup_window}, {"warmup_max_windows", opts.warmup_max_windows},
      {"energy_method", meter->method()},      {"energy_source", meter->source()}};

  auto work = make_workloads(o, *backend, spec.index, result.warnings);

  harness::Harness h(*meter, opts, progress, stop);
  const auto idle = h.measure_idle();
  for (size_t i = 0; i < work.size() && !stop; ++i) {
    if (i > 0) h.cooldown();
    if (stop) break;
    result.runs.push_back(h.measure(*work[i], info.id, idle));
  }
  progress.clear();
  result.incomplete = stop || result.runs.size() < work.size() ||
                      std::any_of(result.runs.begin(), result.runs.end(),
                                  [](const auto& r) { return r.incomplete; });
  result.finished = results::utc_now_iso8601();

  const auto j = results::to_json(result);
  const std::string path = o.out.empty() ? default_path(result, info.id) : o.out;
  results::write_atomically(path, j.dump(2) + "\n");
  print_table(o.json ? stderr : stdout, result, j["headline"]);
  progress.log(
      fmt::format("results written to {}{}", path, result.incomplete ? " (incomplete)" : ""));
  if (o.json) fmt::print("{}\n", j.dump(2));

  const bool failed = std::any_of(result.runs.begin(), result.runs.end(),
                                  [](const auto& r) { return r.verification_status == "failed"; });
  outcome.exit_code = stop ? 130 : failed ? exit_code::failure : exit_code::success;
}

}  // namespace

void add_run_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "run",
      "Measure hashes per joule (sha256d) against FLOPs per joule (GEMM) on one device.\n"
      "Each workload is verified, warmed up, then measured in R windows of D seconds with the\n"
      "device's energy counter (RAPL on the CPU, NVML on a GPU). Ctrl-C stops and writes what\n"
      "was measured (marked incomplete); a second Ctrl-C aborts. Example: hashflop run --quick");
  auto o = std::make_shared<RunOptions>();
  cmd->add_option("--device", o->device,
                  "auto (first GPU, else CPU), cpu, cuda:N, all (every GPU at once, one fleet "
                  "file), or under mpirun cuda:local (the GPU of the rank's local rank)")
      ->capture_default_str();
  cmd->add_option("--rank-timeout", o->rank_timeout,
                  "Fleet runs: seconds after which a silent rank counts as hung and the root "
                  "writes what it has (default: from duration, repetitions and workloads)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--workloads", o->workloads, "Comma-separated: sha256d, gemm")
      ->capture_default_str();
  cmd->add_option("--duration", o->duration, "Seconds per measured window (default 10; --quick 1)")
      ->check(CLI::Range(0.01, 86400.0));
  cmd->add_option("--repetitions", o->repetitions,
                  "Measured windows per workload (default 5; --quick 3)")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--quick", o->quick, "About 1 s x 3 windows, short warm-up and idle baseline");
  cmd->add_option("--cooldown", o->cooldown,
                  "Idle seconds between workloads (default 5; --quick 1)")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--assume-watts", o->assume_watts,
                  "Use this constant power instead of a measurement; every output marks it assumed")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o->threads,
                  "CPU threads; default: all cores (under mpirun: cores / ranks on the node)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--gemm-size", o->gemm_size,
                  "GEMM M = N = K (default 2048 on the CPU, 8192 on a GPU)")
      ->check(CLI::Range(int64_t{16}, int64_t{65536}));
  cmd->add_option("--out", o->out, "Results file; default results/<host>-<device>-<UTC time>.json");
  cmd->add_flag("--json", o->json,
                "Print the results file's JSON on stdout (the table goes to stderr)");
  cmd->callback([o, &outcome] { execute(*o, outcome); });
}

}  // namespace hashflop::cli
