#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backend/backend.hpp"
#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
#include "energy/open_meter.hpp"
#include "mine/cpu_search.hpp"

namespace hashflop {
namespace {

class CpuBackend final : public Backend {
 public:
  CpuBackend() {
    const auto& cpu = cpu::cpu_info();
    info_.id = "cpu";
    info_.name = cpu.model;
    info_.properties = {
        {"logical cores", std::to_string(cpu.logical_cores)},
        {"features", fmt::format("{}", fmt::join(cpu.feature_names(), " "))},
        {"sha256d variant", std::string(cpu::best_sha256d_variant(cpu.features).name)},
    };
  }

  const DeviceInfo& info() const override { return info_; }
  DeviceRef ref() const override { return {DeviceKind::cpu, 0}; }

  MineResult mine(const MineRequest& request) override {
    return cpu::search_range(request, variant_for(request.variant));
  }

  std::vector<std::string> mine_variants() const override {
    std::vector<std::string> names;
    for (const auto& v : cpu::sha256d_variants()) {
      if (v.supported(cpu::cpu_info().features)) names.emplace_back(v.name);
    }
    return names;
  }

  std::vector<std::unique_ptr<workload::Workload>> workloads(
      const workload::WorkloadPlan& plan) override {
    return workload::make_workloads(plan,
                                    {ref(), [this](const MineRequest& r) { return mine(r); }});
  }

  std::unique_ptr<energy::EnergyMeter> open_meter(std::optional<double> assume_watts) override {
    return energy::open_for({DeviceKind::cpu, {}}, assume_watts);
  }

 private:
  static const cpu::Sha256dVariant& variant_for(const std::string& name) {
    const auto& features = cpu::cpu_info().features;
    return name.empty() ? cpu::best_sha256d_variant(features)
                        : cpu::sha256d_variant(name, features);
  }

  DeviceInfo info_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace hashflop
