#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backend/backend.hpp"
#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
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

  MineResult mine(const MineRequest& request) override {
    const auto& features = cpu::cpu_info().features;
    const auto& variant = request.variant.empty() ? cpu::best_sha256d_variant(features)
                                                  : cpu::sha256d_variant(request.variant, features);
    return cpu::search_range(request, variant);
  }

  std::vector<std::string> mine_variants() const override {
    std::vector<std::string> names;
    for (const auto& v : cpu::sha256d_variants()) {
      if (v.supported(cpu::cpu_info().features)) names.emplace_back(v.name);
    }
    return names;
  }

 private:
  DeviceInfo info_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace hashflop
