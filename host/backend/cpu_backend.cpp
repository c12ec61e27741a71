#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backend/backend.hpp"
#include "bitcoin/target.hpp"
#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
#include "energy/open_meter.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_headers.hpp"
#include "results/selection_text.hpp"
#include "tune/cpu_gemm_choice.hpp"
#include "tune/cpu_sha256d_choice.hpp"
#include "tune/wisdom.hpp"

namespace hashflop {
namespace {

// A nonce search this long (about 13 s at 80 MH/s) is worth a calibration of about a second
// when the wisdom file has no answer; a shorter one takes wisdom or the CPUID default.
constexpr uint64_t kCalibrateMinCount = uint64_t{1} << 30;

// "avx512 (chosen by measurement, 2026-12-02T10:00:00Z, 2 threads)" or "... (by CPUID, not yet
// calibrated)": what `devices` says, from the wisdom file alone.
std::string sha256d_property() {
  tune::TuneSettings settings;
  settings.calibrate = false;
  // A wisdom file that cannot be used is said (on stderr), not passed over in silence; the
  // chooser's other lines would only repeat what this property says.
  settings.log = [](const std::string& line) {
    if (line.starts_with("warning:")) fmt::print(stderr, "{}\n", line);
  };
  const auto c = tune::choose_cpu_sha256d(
      "", {bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex), {}, 0}, settings);
  const auto& s = c.selection;
  if (s.chosen_by == results::ChosenBy::wisdom) {
    return fmt::format("{} (chosen by measurement on {}, {} threads)", s.choice, s.calibrated_at,
                       cpu::cpu_info().logical_cores);
  }
  return fmt::format("{} (by CPUID, not yet calibrated: hashflop tune measures)", s.choice);
}

class CpuBackend final : public Backend {
 public:
  CpuBackend() {
    const auto& cpu = cpu::cpu_info();
    info_.id = "cpu";
    info_.name = cpu.model;
    info_.properties = {
        {"logical cores", std::to_string(cpu.logical_cores)},
        {"features", fmt::format("{}", fmt::join(cpu.feature_names(), " "))},
    };
    if (!cpu.signature.empty()) info_.properties.emplace_back("signature", cpu.signature);
    if (!cpu.microcode.empty()) info_.properties.emplace_back("microcode", cpu.microcode);
  }

  const DeviceInfo& info() const override { return info_; }
  std::vector<std::pair<std::string, std::string>> choice_properties() const override {
    return {{"sha256d variant", sha256d_property()}};
  }
  DeviceRef ref() const override { return {DeviceKind::cpu, 0}; }

  MineResult mine(const MineRequest& request) override {
    tune::TuneSettings settings;
    settings.use_wisdom = request.use_wisdom;
    settings.calibrate = request.count >= kCalibrateMinCount;
    settings.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    const auto choice = tune::choose_cpu_sha256d(
        request.variant, {request.header, request.target, request.threads}, settings);
    auto result = cpu::search_range(request, *choice.variant);
    result.settings.emplace_back("selection", results::describe_selection(choice.selection));
    return result;
  }

  Sha256dTuning tune_sha256d(unsigned threads, const tune::TuneSettings& settings) override {
    auto recalibrate = settings;
    recalibrate.recalibrate = true;
    const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
    auto c = tune::choose_cpu_sha256d(
        "", {header, bitcoin::target_from_bits(header.bits()), threads}, recalibrate);
    return {std::move(c.selection),
            std::string(cpu::best_sha256d_variant(cpu::cpu_info().features).name)};
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
    workload::DeviceContext context;
    context.device = ref();
    context.mine = [this](const MineRequest& r) { return mine(r); };
    if (plan.wants(WorkloadKind::sha256d)) {
      // Calibrated on the header and target the workload searches, outside every window.
      const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
      tune::TuneSettings settings;
      settings.use_wisdom = plan.use_wisdom;
      settings.log = plan.log;
      const auto choice = tune::choose_cpu_sha256d(
          "", {header, bitcoin::target_from_bits(header.bits()), plan.threads}, settings);
      context.sha256d_variant = choice.variant;
      context.sha256d_selection = choice.selection;
    }
    if (plan.wants(WorkloadKind::gemm)) {
      // Block sizes calibrated at the run's size, dtype and thread count, before any window.
      context.gemm_blocking = [&plan](const gemm::GemmVariant& v, gemm::Dtype dtype,
                                      const gemm::GemmShape& shape) {
        tune::TuneSettings settings;
        settings.use_wisdom = plan.use_wisdom;
        settings.log = plan.log;
        auto c =
            tune::choose_cpu_gemm_blocking(v, shape, dtype, plan.threads, std::nullopt, settings);
        return workload::GemmTuning{c.blocking, std::move(c.selection)};
      };
    }
    return workload::make_workloads(plan, context);
  }

  std::unique_ptr<energy::EnergyMeter> open_meter(std::optional<double> assume_watts) override {
    return energy::open_for({DeviceKind::cpu, {}}, assume_watts);
  }

 private:
  DeviceInfo info_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace hashflop
