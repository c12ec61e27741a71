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
#include "tune/chooser.hpp"
#include "tune/cpu_sha256d_choice.hpp"
#include "tune/wisdom.hpp"

namespace hashflop {
namespace {

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
    settings.calibrate = request.count >= tune::calibrate_min_nonces;
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
