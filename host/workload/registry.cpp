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
    WorkloadEntry{WorkloadKind::sha256d, sha256d},
    WorkloadEntry{WorkloadKind::gemm, gemm},
    WorkloadEntry{WorkloadKind::transformer, transformer},
};
static_assert(entries.size() == workload_kinds.size(), "every WorkloadKind has one entry here");

}  // namespace

std::span<const WorkloadEntry> workload_registry() {
  return entries;
}

WorkloadPlan WorkloadPlan::parse(std::string_view list) {
  WorkloadPlan plan;
  plan.kinds.clear();
  size_t from = 0;
  while (from <= list.size()) {
    const size_t comma = std::min(list.find(',', from), list.size());
    const auto name = list.substr(from, comma - from);
    const auto kind = parse_workload_kind(name);
    if (!kind) {
      throw UsageError(
          fmt::format("unknown workload '{}' (known: {})", name, workload_kind_names()));
    }
    if (!plan.wants(*kind)) plan.kinds.push_back(*kind);
    from = comma + 1;
  }
  return plan;
}

bool WorkloadPlan::wants(WorkloadKind kind) const {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::vector<std::unique_ptr<Workload>> make_workloads(const WorkloadPlan& plan, DeviceRef device) {
  std::vector<std::unique_ptr<Workload>> out;
  for (const auto kind : plan.kinds) {
    for (const auto& e : entries) {
      if (e.kind != kind) continue;
      for (auto& w : e.make(device, plan)) out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace hashflop::workload
