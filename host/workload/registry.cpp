// The workload registry: one line per kind of workload. Each line's function makes that
// workload for one device, or nothing when the device cannot run it.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "common/error.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

using Made = std::vector<std::unique_ptr<Workload>>;

Made sha256d(DeviceRef d, const WorkloadPlan& plan) {
  Made out;
  if (d.kind == DeviceKind::cpu) {
    out.push_back(make_cpu_sha256d(plan.threads, plan.tune_settings()));
  } else {
    out.push_back(make_cuda_sha256d(d.index, plan.tune_settings()));
  }
  return out;
}

Made gemm(DeviceRef d, const WorkloadPlan& plan) {
  const auto settings = plan.tune_settings();
  return make_gemm_workloads(d, plan.gemm_size_on(d.kind), plan.threads, gemm::gemm_variants(),
                             &settings);
}

Made transformer(DeviceRef d, const WorkloadPlan& plan) {
  return make_transformer_workloads(d, plan.transformer, plan.threads);
}

constexpr std::array entries{
    WorkloadEntry{"sha256d", sha256d},
    WorkloadEntry{"gemm", gemm},
    WorkloadEntry{"transformer", transformer},
};

std::string known_names() {
  std::string names;
  for (const auto& e : entries) names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names;
}

}  // namespace

std::span<const WorkloadEntry> workload_registry() {
  return entries;
}

WorkloadPlan WorkloadPlan::parse(std::string_view list) {
  WorkloadPlan plan;
  plan.names.clear();
  size_t from = 0;
  while (from <= list.size()) {
    const size_t comma = std::min(list.find(',', from), list.size());
    const auto name = list.substr(from, comma - from);
    const bool known = std::any_of(entries.begin(), entries.end(),
                                   [&](const WorkloadEntry& e) { return e.name == name; });
    if (!known) {
      throw UsageError(fmt::format("unknown workload '{}' (known: {})", name, known_names()));
    }
    if (!plan.wants(name)) plan.names.emplace_back(name);
    from = comma + 1;
  }
  return plan;
}

bool WorkloadPlan::wants(std::string_view name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::unique_ptr<Workload>> make_workloads(const WorkloadPlan& plan, DeviceRef device) {
  std::vector<std::unique_ptr<Workload>> out;
  for (const auto& name : plan.names) {
    for (const auto& e : entries) {
      if (e.name != name) continue;
      for (auto& w : e.make(device, plan)) out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace hashflop::workload
