#include "report/report.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/data_files.hpp"
#include "common/error.hpp"
#include "common/file_input.hpp"
#include "report/fleet_section.hpp"
#include "results/report_data.hpp"
#include "results/result.hpp"

extern char** environ;

namespace hashflop::report {
namespace fs = std::filesystem;

namespace {

// The points a picture can draw: a trace point without `watts` is left out (the reader already
// left out points and windows that are not numbers).
results::PlotRun run_trace(const results::Run& r) {
  results::PlotRun out;
  if (r.telemetry) {
    for (const auto& p : r.telemetry->trace) {
      if (p.watts) out.trace.emplace_back(p.t, *p.watts);
    }
    for (const auto& w : r.telemetry->windows) out.windows.emplace_back(w.start, w.end);
  }
  out.name = fmt::format("{} {}", r.workload, r.variant);
  if (const auto* dtype = r.params.find("dtype"); dtype && dtype->text())
    out.name += " " + *dtype->text();
  out.workload = r.workload;
  if (r.energy) out.avg_watts = r.energy->avg_watts;
  out.assumed = r.energy && r.energy->assumed;
  return out;
}

// Runs argv with stdout and stderr into `log`; returns the exit status, 127 if it did not start.
// The exit status of `args`, its output in `log`; -1 (with `failure` set) when the log cannot
// be created, so a full disk is not reported as a missing interpreter.
int spawn(const std::vector<std::string>& args, const fs::path& log, std::string& failure) {
  // The log is created afresh and never through a link: a symlink planted at its name would
  // otherwise let the report truncate whatever file it points to.
  ::unlink(log.c_str());
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    failure = fmt::format("cannot create {}: {}", log.string(), std::strerror(errno));
    return -1;
  }
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fd, 1);
  posix_spawn_file_actions_adddup2(&actions, fd, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fd);
  if (rc != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string last_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

fs::path plot_script() {
  if (const char* env = std::getenv("HASHFLOP_PLOT_SCRIPT")) return env;
  return data_file("plot.py").value_or(fs::path("<no data directory>/plot.py"));
}

}  // namespace

results::ReportData plot_data(const Market& m, const std::vector<Valuation>& vals,
                              const std::vector<results::Result>& results) {
  results::ReportData data;
  data.market = m.name;
  data.electricity_usd_per_kwh = m.at("electricity_usd_per_kwh");
  data.pue = m.at("pue");
  for (const auto& a : m.asics) data.asics.push_back({a.model, a.j_per_th});
  for (size_t i = 0; i < vals.size(); ++i) {
    const auto& v = vals[i];
    results::PlotDevice d;
    d.label = v.label;
    d.short_label = v.device_name.empty() ? v.device_id : v.device_name;
    d.cpu = v.cpu;
    d.assumed = v.any_assumed();
    for (const auto& r : results[i].runs) {
      if (!r.samples.empty()) d.runs.push_back(run_trace(r));
    }
    for (const auto& g : v.gemm) {
      d.gemm.push_back({g.dtype + " " + g.variant, g.dtype, g.flops_per_second, g.flops_per_joule,
                        g.energy == EnergyStatus::assumed});
    }
    for (const auto& t : v.tokens) {
      d.tokens.push_back({t.figure.model, t.figure.phase, t.figure.variant, t.figure.batch,
                          t.figure.tokens_per_joule, t.usd_per_kwh, t.mining_tokens_per_joule,
                          t.energy == EnergyStatus::assumed});
    }
    d.j_per_th = v.j_per_th;
    d.hashes_per_joule = v.hashes_per_joule;
    d.mining_usd_per_kwh = v.mining_usd_per_kwh;
    d.ai_usd_per_kwh = v.ai_usd_per_kwh;
    d.electricity_usd_per_kwh = v.electricity_usd_per_kwh;
    for (const auto& r : v.site.rows)
      d.site.push_back({site_use_name(r.use), r.name, r.energy, r.revenue, r.margin});
    data.devices.push_back(std::move(d));
  }
  if (!vals.empty()) {
    data.site_mw = vals.front().site.mw;
    for (const auto& r : vals.front().site.references)
      data.references.push_back({r.name, r.usd_per_mw_year, r.deal});
  }
  return data;
}

std::vector<Plot> run_plot_script(const fs::path& data_file, const fs::path& out_dir,
                                  std::string& note) {
  const fs::path script = plot_script();
  if (!fs::exists(script)) {
    note = fmt::format("No pictures: the plot script {} is not there.", script.string());
    return {};
  }
  std::vector<std::string> pythons;
  if (const char* env = std::getenv("HASHFLOP_PYTHON"))
    pythons = {env};
  else
    pythons = {"python3", "/usr/bin/python3"};  // a PATH python (pyenv, venv) may lack matplotlib
  const fs::path log = out_dir / ".plot.log";
  std::string why;
  bool no_matplotlib = false;
  for (const auto& py : pythons) {
    std::string failure;
    const int rc = spawn({py, script.string(), data_file.string(), out_dir.string()}, log, failure);
    if (rc < 0) {
      why = failure;
      break;  // no other interpreter can do better in an unwritable folder
    }
    if (rc == 0) {
      std::vector<Plot> plots;
      std::ifstream in(log);
      std::string line;
      // The script prints one "PLOT name|caption" line per picture it finished, and one
      // "NOTE text" line per picture it left out on purpose (e.g. a power trace without a meter).
      while (std::getline(in, line)) {
        if (line.starts_with("NOTE ")) {
          note += (note.empty() ? "" : " ") + line.substr(5);
          continue;
        }
        if (!line.starts_with("PLOT ")) continue;
        const auto bar = line.find('|');
        const std::string name = line.substr(5, bar - 5);
        plots.push_back({name + ".png", name + ".svg", line.substr(bar + 1)});
      }
      fs::remove(log);
      return plots;
    }
    const std::string detail = last_line(log);
    no_matplotlib = no_matplotlib || rc == 3;
    // The script's own last line says why (an import error, a full disk): it is what is shown,
    // and only a failed import is blamed on matplotlib.
    why += fmt::format("{}{}: {}", why.empty() ? "" : "; ", py,
                       rc == 127
                           ? "not found"
                           : fmt::format("exit {}: {}", rc, detail.empty() ? "no output" : detail));
  }
  std::error_code ec;
  fs::remove(log, ec);
  note = fmt::format("No pictures: {} ({}the report's figures do not depend on them).", why,
                     no_matplotlib ? "install python3-matplotlib; " : "");
  return {};
}

namespace {

// A fleet file holds several devices: each is valued on its own runs (a device's money figures
// must never mix in another rank's runs). A one-device file comes back as it is.
std::vector<results::Result> per_device(const results::Result& r) {
  if (r.devices.size() <= 1) return {r};
  std::vector<results::Result> out;
  for (const auto& d : r.devices) {
    results::Result one = r;
    const std::string id = d.id;
    one.devices = {d};
    one.runs.clear();
    for (const auto& run : r.runs) {
      if (run.device == id) one.runs.push_back(run);
    }
    one.fleet.reset();
    out.push_back(std::move(one));
  }
  return out;
}

// --out names a folder of several files: made if missing, as `mkdir DIR` would, but never its
// parents, so a typo in the path is refused as run's --out refuses it.
void make_report_folder(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) return;  // not a folder: check_writable says so
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) {
    throw UsageError(
        fmt::format("cannot write the report into {}: no folder {} (hashflop makes "
                    "only the last folder: create it first)",
                    dir.string(), parent.string()));
  }
  fs::create_directory(dir, ec);
  if (ec) {
    throw UsageError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
}

}  // namespace

std::string market_line(const Market& m) {
  return fmt::format("market {} ({}{})", m.path.string(), m.name,
                     m.date.empty() ? ", undated" : ", dated " + m.date);
}

std::string market_staleness(const Market& m, const std::vector<Valuation>& vals) {
  std::string newest;
  for (const auto& v : vals) newest = std::max(newest, v.started);
  const auto age = market_age_months(m, newest);
  if (!age || *age <= 6) return "";
  return fmt::format(
      "the market file {} is dated {}, {:.1f} months before the newest run valued ({}): prices "
      "move; check them, or give current ones with --set or --market",
      m.name, m.date, *age, newest.substr(0, 10));
}

ReportOutput write_report(const ReportOptions& o) {
  if (o.inputs.empty()) throw UsageError("report: give at least one results file");
  if (!(o.site_mw > 0 && o.site_mw <= 1e5))
    throw UsageError(fmt::format("--site-mw {:g}: expected megawatts in (0, 100000]", o.site_mw));
  // Bad input, found before anything is read or written (as `run --out` does).
  make_report_folder(o.out_dir);
  results::check_writable(o.out_dir / "report-data.json");
  Market market = load_market(o.market.empty() ? default_market_path() : o.market);
  for (const auto& s : o.sets) market.apply_override(s);

  ReportOutput out;
  std::vector<results::Result> results;  // as read: the fleet sections need the whole file
  std::vector<results::Result> valued;   // one per device, parallel to out.valuations
  for (const auto& path : o.inputs) {
    results.push_back(results::load_result(path));
    for (auto& one : per_device(results.back())) {
      valued.push_back(std::move(one));
      // Valuing checks what the result says (params, host, telemetry): its errors name the file.
      out.valuations.push_back(name_input_errors(
          path, [&] { return value_result(valued.back(), path.string(), market, o.site_mw); }));
    }
  }
  out.hashprice_usd_per_ph_day = hashprice_of(market);
  out.market_line = market_line(market);
  out.market_warning = market_staleness(market, out.valuations);

  const fs::path data_file = o.out_dir / "report-data.json";
  results::write_atomically(data_file,
                            results::report_data_text(plot_data(market, out.valuations, valued)));
  out.written.push_back(data_file);
  if (o.plots) {
    out.plots = run_plot_script(data_file, o.out_dir, out.plot_note);
    for (const auto& p : out.plots) {
      out.written.push_back(o.out_dir / p.png);
      out.written.push_back(o.out_dir / p.svg);
    }
  } else {
    out.plot_note = "No pictures: --no-plots was given.";
  }
  Document doc = build_document(market, out.valuations, out.plots, out.plot_note);
  for (size_t i = 0; i < results.size(); ++i)
    add_fleet_section(doc, results[i], o.inputs[i].string());
  if (o.markdown) {
    results::write_atomically(o.out_dir / "report.md", render_markdown(doc));
    out.written.push_back(o.out_dir / "report.md");
  }
  if (o.html) {
    results::write_atomically(o.out_dir / "report.html", render_html(doc));
    out.written.push_back(o.out_dir / "report.html");
  }
  return out;
}

}  // namespace hashflop::report
