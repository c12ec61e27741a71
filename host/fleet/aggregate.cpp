#include "fleet/aggregate.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/median.hpp"

namespace hashflop::fleet {
namespace {

std::optional<results::Spread> spread(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  const auto s = results::compute_stats(v);
  return results::Spread{s.median, s.min, s.max};
}

Record identity_params(Record params) {
  for (const char* k : {"settings", "threads", "geometry"}) params.erase(k);
  return params;
}

// Devices measured by one meter (ranks on one CPU package read the same RAPL counter): the
// key under which their energy counts once.
std::string meter_key(const std::vector<results::DeviceRecord>& devices, const std::string& id) {
  for (const auto& d : devices) {
    if (d.id != id) continue;
    const std::string source = d.energy_source.value_or("");
    if (source.empty()) break;
    return (d.placement ? d.placement->host : std::string()) + "|" + source;
  }
  return "device|" + id;
}

results::FleetEntry group_entry(const std::vector<const results::Run*>& group,
                                const std::vector<results::DeviceRecord>& devices) {
  const results::Run& first = *group.front();
  results::FleetEntry e;
  e.workload = first.workload;
  e.variant = first.variant;
  e.params = identity_params(first.params);
  e.work_unit = first.work_unit;
  std::vector<const results::Run*> measured;
  for (const auto* r : group) {
    if (r->samples.empty()) {
      e.not_measured.push_back(r->device);
    } else {
      measured.push_back(r);
      e.devices.push_back(r->device);
    }
  }
  double work = 0, rate = 0;
  bool energy = !measured.empty(), incomplete = false;
  std::vector<double> rates, per_joule;
  std::map<std::string, std::vector<const results::Run*>> by_meter;
  size_t windows = SIZE_MAX;
  for (const auto* r : measured) {
    work += r->work;
    rate += r->rate;
    rates.push_back(r->rate);
    incomplete = incomplete || r->incomplete;
    windows = std::min(windows, r->samples.size());
    if (r->per_joule && r->energy)
      per_joule.push_back(*r->per_joule);
    else
      energy = false;
    by_meter[meter_key(devices, r->device)].push_back(r);
  }
  // The windows started together (a barrier before each), so window i's fleet rate is the sum
  // of every device's window i: these are the fleet's repetitions for `compare`.
  for (size_t i = 0; !measured.empty() && i < windows; ++i) {
    double sum = 0;
    for (const auto* r : measured) sum += r->samples[i].rate;
    e.window_total_rates.push_back(sum);
  }
  if (energy) {
    // A shared meter saw every device on it at once: count its energy once (the mean of what
    // each device read), not once per device.
    double watts = 0, joules = 0;
    for (const auto& [key, runs] : by_meter) {
      double w = 0, j = 0;
      for (const auto* r : runs) {
        w += r->energy->avg_watts;
        j += r->energy->joules;
      }
      watts += w / static_cast<double>(runs.size());
      joules += j / static_cast<double>(runs.size());
      if (runs.size() > 1) e.shared_meter_devices += static_cast<int>(runs.size());
    }
    e.total_watts = watts;
    e.total_joules = joules;
    if (joules > 0) e.per_joule = work / joules;
  }
  // Outliers by work per joule when every device measured energy, else by rate.
  const bool by_energy = energy && !per_joule.empty();
  const auto& basis = by_energy ? per_joule : rates;
  if (!basis.empty()) {
    const double mid = median(basis);
    for (size_t i = 0; i < measured.size(); ++i) {
      if (mid > 0 && basis[i] < (1 - outlier_fraction) * mid) {
        e.outliers.push_back({measured[i]->device, basis[i], (mid - basis[i]) / mid * 100});
      }
    }
  }
  e.device_count = static_cast<int>(measured.size());
  e.total_work = work;
  e.total_rate = rate;
  e.per_device_rate = spread(rates);
  if (energy) e.per_device_per_joule = spread(per_joule);
  e.outliers_by_per_joule = by_energy;
  e.incomplete = incomplete;
  return e;
}

}  // namespace

std::string group_key(const results::Run& run) {
  return fmt::format("{}|{}|{}", run.workload, run.variant,
                     results::to_json_text(identity_params(run.params)));
}

std::vector<results::FleetEntry> summarize(const std::vector<results::Run>& runs,
                                           const std::vector<results::DeviceRecord>& devices) {
  // Groups in order of first appearance, so the fleet table follows the per-device order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const results::Run*>> groups;
  for (const auto& r : runs) {
    const auto key = group_key(r);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&r);
  }
  std::vector<results::FleetEntry> out;
  for (const auto& key : order) out.push_back(group_entry(groups[key], devices));
  return out;
}

}  // namespace hashflop::fleet
