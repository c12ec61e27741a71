#include "tune/cuda_sha256d_choice.hpp"

#include <algorithm>
#include <optional>

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

struct Verified {
  std::vector<const cuda::Sha256dKernel*> passed;
  std::vector<results::CandidateRate> failed;  // kernel name, verdict and why
};

// Every kernel finds the known nonces, at the occupancy API's geometry, before any is timed:
// one that does not is never chosen. Two 4096-nonce searches per kernel: milliseconds.
Verified verify_kernels(int device, std::span<const cuda::Sha256dKernel* const> kernels) {
  Verified v;
  for (const auto* k : kernels) {
    const Check c = verify_known_nonces(
        [device, k](const MineRequest& r) {
          const auto g = cuda::fit_to_range(device, cuda::plan_geometry(device, *k, 0, 0), r.count);
          return cuda::search_range(device, r, g);
        },
        k->name);
    if (c.verdict == Verdict::passed) {
      v.passed.push_back(k);
    } else {
      v.failed.push_back({k->name, std::nullopt, c.verdict, c.detail});
    }
  }
  return v;
}

results::Selection selection_of(const cuda::TuneResult& tune, const Verified& verified) {
  results::Selection s;
  s.chosen_by = results::ChosenBy::measured;
  const auto& best = tune.best;
  s.choice = cuda::geometry_name(best.kernel->name, best.threads_per_block, best.nonces_per_thread);
  s.reason = fmt::format("fastest rate of {} kernel and geometry trials ({} timed launches each)",
                         tune.trials.size(), cuda::timed_launches);
  for (const auto& t : tune.trials) {
    const auto& g = t.geometry;
    s.candidates.push_back(
        {cuda::geometry_name(g.kernel->name, g.threads_per_block, g.nonces_per_thread),
         t.stats.rate, Verdict::passed,
         "its kernel found the known nonces (at the occupancy geometry); the search re-checks "
         "every candidate nonce on the CPU"});
  }
  s.candidates.insert(s.candidates.end(), verified.failed.begin(), verified.failed.end());
  s.calibrated_at = results::utc_now_iso8601();
  return s;
}

}  // namespace

std::string cuda_sha256d_problem(std::string_view variant) {
  return variant.empty() ? std::string("cuda nonce search")
                         : fmt::format("cuda nonce search variant={}", variant);
}

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
                cuda_sha256d_problem(variant),
                gpu_key(cuda_identity(device)),
                {}};
  spec.fallback = cuda::geometry_name(untuned.kernel->name, untuned.threads_per_block,
                                      untuned.nonces_per_thread);
  spec.fallback_reason = "the occupancy API's geometry, not yet autotuned";
  spec.refuse_stored = [&](const results::Selection& s) {
    std::string why;
    return replan(device, s, kernels, &why) ? std::string() : why;
  };
  spec.stored_note = [](const results::Selection& s) {
    return fmt::format("autotuned {}", s.calibrated_at);
  };
  spec.measure = [&] {
    const measure::Stopwatch clock;
    const auto verified = verify_kernels(device, kernels);
    results::Selection s;
    if (verified.passed.empty()) {
      // Nothing to time. The first kernel at the occupancy geometry, never stored: the
      // workload's own check then fails it in the results file, and a run's other workloads
      // still measure.
      s.chosen_by = results::ChosenBy::measured;
      s.choice = spec.fallback;
      s.reason = "no kernel found the known nonces; the default, not stored";
      s.candidates = verified.failed;
      s.calibrated_at = results::utc_now_iso8601();
      settings.say(fmt::format("{}: no kernel found the known nonces ({}: {})", spec.head,
                               verified.failed.front().name, verified.failed.front().detail));
    } else {
      s = selection_of(cuda::autotune(device, job, first, verified.passed), verified);
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
  return wisdom.find(cuda_sha256d_workload, cuda_sha256d_problem(""),
                     gpu_key(cuda_identity(device)));
}

}  // namespace hashflop::tune
