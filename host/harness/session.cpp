#include "harness/session.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::harness {

Session::Session(Backend& backend, SessionOptions options, Progress& progress,
                 const std::atomic<bool>& stop)
    : backend_(backend),
      options_(std::move(options)),
      progress_(progress),
      stop_(stop),
      device_id_(backend.info().id) {}

void Session::label(std::string device_id, std::optional<results::RankPlacement> placement) {
  device_id_ = std::move(device_id);
  placement_ = std::move(placement);
}

size_t Session::prepare() {
  meter_ = backend_.open_meter(options_.assume_watts);
  if (const auto why = meter_->unavailable_reason(); !why.empty())
    progress_.log(fmt::format("energy: not measured: {}", why));
  const auto& info = backend_.info();
  progress_.log(fmt::format("device {} ({}); energy: {}", device_id_, info.name, meter_->source()));
  if (options_.harness.duration < 1) {
    progress_.log(fmt::format(
        "warning: {:.2f} s windows are under 1 s; energy counters update about every 100 ms",
        options_.harness.duration));
  }
  auto plan = options_.plan;
  plan.log = [this](const std::string& line) { progress_.log(line); };
  work_ = backend_.workloads(plan);
  for (auto& w : work_) w->check();  // a GEMM too large for memory fails now, not after sha256d
  const bool any_gemm = std::any_of(work_.begin(), work_.end(), [](const auto& w) {
    return w->workload() == WorkloadKind::gemm;
  });
  if (options_.plan.wants(WorkloadKind::gemm) && !any_gemm)
    warnings_.push_back("no GEMM variant runs on " + info.id);
  // The plan and its length, before the first second is spent: warm-up takes a few windows
  // when clocks settle at once, up to its cap when they do not.
  const auto& h = options_.harness;
  const double n = static_cast<double>(work_.size());
  const double fixed = h.idle_seconds + n * (h.repetitions * h.duration + h.cooldown);
  progress_.log(fmt::format(
      "plan: {} workload runs, each verified, warmed up, then {} x {} windows; an idle baseline "
      "of {}, {} cool-downs: about {} (at most {} plus verification)",
      work_.size(), h.repetitions, format_seconds(h.duration), format_seconds(h.idle_seconds),
      format_seconds(h.cooldown), format_duration(fixed + n * 2 * h.warmup_window),
      format_duration(fixed + n * h.warmup_max_windows * h.warmup_window)));
  return work_.size() * static_cast<size_t>(h.repetitions);
}

results::HarnessFacts Session::harness_facts() const {
  const auto& o = options_.harness;
  results::HarnessFacts h;
  h.duration_s = o.duration;
  h.repetitions = o.repetitions;
  h.cooldown_s = o.cooldown;
  h.idle_s = o.idle_seconds;
  h.warmup_window_s = o.warmup_window;
  h.warmup_max_windows = o.warmup_max_windows;
  h.energy_method = meter_ ? std::string(energy::to_string(meter_->method())) : "none";
  h.energy_source = meter_ ? meter_->source() : "none";
  return h;
}

results::Result Session::header() const {
  results::Result result = results::begin_result();
  auto device = backend_.describe();
  device.placement = placement_;
  if (device_id_ != backend_.info().id) device.local_id = backend_.info().id;
  device.id = device_id_;
  device.energy_source = meter_ ? meter_->source() : "none";
  result.devices.push_back(std::move(device));
  result.harness = harness_facts();
  result.warnings = warnings_;
  return result;
}

results::Result Session::measure(
    const std::function<void(size_t, const results::Run&)>& after_workload) {
  if (!meter_) prepare();
  results::Result result = header();

  Harness h(*meter_, options_.harness, progress_, stop_);
  const auto idle = work_.empty() ? std::nullopt : h.measure_idle();
  errors_.clear();
  for (size_t i = 0; i < work_.size() && !stop_; ++i) {
    auto& w = *work_[i];
    try {
      if (i > 0) h.cooldown();
      result.runs.push_back(h.measure(w, device_id_, idle));
    } catch (const std::exception& e) {
      // The device may be in any state: record what failed, keep what was measured, go on.
      errors_.push_back(fmt::format("{} {}: {}", w.workload(), w.variant(), e.what()));
      results::Run failed;
      failed.workload = w.workload();
      failed.variant = w.variant();
      failed.device = device_id_;
      failed.work_unit = w.work_unit();
      failed.verification = Verdict::failed;
      failed.verification_detail = e.what();
      failed.energy_unavailable_reason = "not measured: the workload failed";
      failed.incomplete = true;
      result.runs.push_back(std::move(failed));
      progress_.log(fmt::format("{} {}: failed: {}", w.workload(), w.variant(), e.what()));
    }
    if (after_workload) after_workload(i, result.runs.back());
  }
  progress_.clear();
  const bool any_failure = std::any_of(result.runs.begin(), result.runs.end(),
                                       [](const auto& r) { return is_failure(r.verification); });
  const bool threw = !errors_.empty();
  result.incomplete = stop_ || threw || result.runs.size() < work_.size() ||
                      std::any_of(result.runs.begin(), result.runs.end(),
                                  [](const auto& r) { return r.incomplete; });
  result.finished = results::utc_now_iso8601();
  end_ = stop_                  ? SessionEnd::interrupted
         : any_failure || threw ? SessionEnd::failed
                                : SessionEnd::complete;
  return result;
}

}  // namespace hashflop::harness
