#include "tune/cuda_sha256d_choice.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <cuda_runtime.h>
#include <fmt/format.h>

#include "common/error.hpp"
#include "common/measure.hpp"
#include "cuda/cuda_raii.hpp"
#include "energy/nvml_meter.hpp"
#include "mine/known_nonces.hpp"
#include "mine/launch_name.hpp"
#include "results/selection_text.hpp"
#include "tune/calibrate.hpp"
#include "tune/chooser.hpp"
#include "tune/wisdom.hpp"

namespace hashflop::tune {
namespace {

std::string cuda_version_text(int v) {
  return fmt::format("{}.{}", v / 1000, (v % 1000) / 10);
}

// The stored choice as a geometry on this device, or why it cannot be one: a kernel this build
// or --variant no longer offers, or a block size the device refuses now.
std::optional<cuda::LaunchGeometry> replan(int device, const results::Selection& s,
                                           std::span<const cuda::Sha256dKernel* const> kernels,
                                           std::string* why) {
  const auto name = cuda::parse_geometry_name(s.choice);
  if (!name) {
    *why = fmt::format("'{}' is not a kernel/tpbN_nptN geometry", s.choice);
    return std::nullopt;
  }
  const auto it = std::find_if(kernels.begin(), kernels.end(),
                               [&](const auto* k) { return name->kernel == k->name; });
  if (it == kernels.end()) {
    *why = fmt::format("it names kernel {}, which this run does not offer", name->kernel);
    return std::nullopt;
  }
  try {
    return cuda::plan_geometry(device, **it, name->threads_per_block, name->nonces_per_thread);
  } catch (const UsageError& e) {
    *why = e.what();
    return std::nullopt;
  }
}

// Clocks ramp and a kernel's module loads on its first launch: each kernel runs this long before
// its first timed launch (10 ms was too short for clocks to settle).
constexpr double kWarmupSeconds = 0.2;

// The autotuner's trials for calibrate(): each geometry is checked on the known nonces with the
// size and shape of the launch it is timed with, so the geometry chosen is the one checked; a
// trial is one timed launch of about 2^26 nonces.
class CudaGeometryProbe final : public Probe {
 public:
  CudaGeometryProbe(int device, const sha256d::Job& job, uint32_t first,
                    std::vector<cuda::LaunchGeometry> geometries)
      : device_(device), timer_(device, job, first), geometries_(std::move(geometries)) {}

  Check verify(std::string_view name) override {
    if (const auto it = checked_.find(name); it != checked_.end()) return it->second;
    const auto& g = geometry(name);
    const Check c =
        verify_known_nonces([&](const MineRequest& r) { return cuda::search_range(device_, r, g); },
                            std::string(g.kernel->name), timer_.trial_nonces(g));
    checked_.emplace(std::string(name), c);
    return c;
  }

  measure::Trial trial(std::string_view name) override {
    const auto& g = geometry(name);
    if (warmed_.insert(g.kernel).second) {
      const measure::Stopwatch clock;
      while (clock.seconds() < kWarmupSeconds) (void)timer_.time(g);
    }
    return timer_.time(g);
  }

 private:
  const cuda::LaunchGeometry& geometry(std::string_view name) const {
    for (const auto& g : geometries_) {
      if (cuda::geometry_name(g.kernel->name, g.threads_per_block, g.nonces_per_thread) == name)
        return g;
    }
    throw Error(fmt::format("autotune: no candidate geometry named {}", name));
  }

  int device_;
  cuda::LaunchTimer timer_;
  std::vector<cuda::LaunchGeometry> geometries_;
  std::map<std::string, Check, std::less<>> checked_;
  std::set<const cuda::Sha256dKernel*> warmed_;
};

}  // namespace

GpuIdentity cuda_identity(int device) {
  cudaDeviceProp prop{};
  HF_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  int driver = 0, runtime = 0;
  HF_CUDA_CHECK(cudaDriverGetVersion(&driver));
  HF_CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  GpuIdentity id;
  id.name = prop.name;
  id.compute_capability = fmt::format("{}.{}", prop.major, prop.minor);
  id.sm_count = prop.multiProcessorCount;
  // NVML's version names the driver build; the CUDA API version alone is shared by many.
  id.driver = energy::nvml_driver_version().value_or("CUDA " + cuda_version_text(driver));
  id.runtime = cuda_version_text(runtime);
  return id;
}

CudaSha256dChoice choose_cuda_sha256d(int device, const sha256d::Job& job, uint32_t first,
                                      std::span<const cuda::Sha256dKernel* const> kernels,
                                      std::string_view variant, const TuneSettings& settings) {
  const auto untuned = cuda::plan_geometry(device, *kernels.front(), 0, 0);
  ChoiceSpec spec;
  spec.head = fmt::format("sha256d on cuda:{}", device);
  spec.where = {std::string(cuda_sha256d_workload),
                cuda_sha256d_problem(variant, job.target_top),
                gpu_key(cuda_identity(device)),
                {}};
  spec.fallback = cuda::geometry_name(untuned.kernel->name, untuned.threads_per_block,
                                      untuned.nonces_per_thread);
  spec.fallback_reason = "the occupancy API's geometry, not yet autotuned";
  spec.refuse_stored = [&](const results::Selection& s) {
    std::string why;
    if (!replan(device, s, kernels, &why)) return why;
    // Only a geometry the autotuner itself tries is trusted, as for the CPU's blockings.
    if (std::find(spec.candidates.begin(), spec.candidates.end(), s.choice) ==
        spec.candidates.end())
      return fmt::format("{} is none of the {} geometries the autotuner tries", s.choice,
                         spec.candidates.size());
    return std::string();
  };
  spec.stored_note = [](const results::Selection& s) {
    return fmt::format("autotuned {}", s.calibrated_at);
  };
  const auto geometries = cuda::autotune_candidates(device, kernels);
  for (const auto& g : geometries) {
    spec.candidates.push_back(
        cuda::geometry_name(g.kernel->name, g.threads_per_block, g.nonces_per_thread));
  }
  spec.fallback_label = "occupancy default";
  spec.plan.rounds = 3;  // interleaved, each a whole launch: the gaps between geometries are small
  spec.measure = [&] {
    const measure::Stopwatch clock;
    CudaGeometryProbe probe(device, job, first, geometries);
    CalibrationPlan plan = spec.plan;
    plan.candidates = spec.candidates;
    plan.fallback = spec.fallback;
    plan.fallback_label = spec.fallback_label;
    results::Selection s;
    std::vector<results::CandidateRate> failed;
    for (const auto& name : spec.candidates) {
      const Check c = probe.verify(name);  // remembered: calibrate() asks again
      if (c.verdict != Verdict::passed) failed.push_back({name, std::nullopt, c.verdict, c.detail});
    }
    if (failed.size() < spec.candidates.size()) {
      s = calibrate(plan, probe);
    } else {
      // Nothing to time. The occupancy geometry, never stored: the workload's own check then
      // fails it in the results file, and a run's other workloads still measure.
      s.chosen_by = results::ChosenBy::measured;
      s.choice = spec.fallback;
      s.reason = "no geometry found the known nonces; the default, not stored";
      s.candidates = failed;
      s.calibrated_at = results::utc_now_iso8601();
      settings.say(fmt::format("{}: no geometry found the known nonces ({}: {})", spec.head,
                               failed.front().name, failed.front().detail));
    }
    s.calibration_seconds = clock.seconds();
    return s;
  };
  spec.keep = [](const results::Selection& s) {
    return std::any_of(s.candidates.begin(), s.candidates.end(),
                       [](const auto& c) { return c.verification == Verdict::passed; });
  };
  spec.rates = [](const results::Selection& s) {
    return "best per kernel: " + rates_line(results::fastest_per_group(s), "hash", false);
  };

  CudaSha256dChoice c{untuned, choose(spec, settings)};
  std::string why;
  if (auto g = replan(device, c.selection, kernels, &why)) c.geometry = *g;
  return c;
}

std::optional<results::Selection> stored_cuda_sha256d(int device) {
  const auto wisdom = Wisdom::load(default_wisdom_path());
  // What runs use: the genesis header's real target.
  return wisdom.find(cuda_sha256d_workload, cuda_sha256d_problem("", 0),
                     gpu_key(cuda_identity(device)));
}

}  // namespace hashflop::tune
