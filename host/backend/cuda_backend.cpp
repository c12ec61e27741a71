// The CUDA backend: device discovery and facts for `hashflop devices`, and mine() through the
// search pipeline with a geometry from the user, the wisdom file or the autotuner
// (tune/cuda_sha256d_choice.hpp), or the occupancy API.
#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backend/backend.hpp"
#include "bitcoin/target.hpp"
#include "common/error.hpp"
#include "cuda/cuda_raii.hpp"
#include "energy/nvml_meter.hpp"
#include "energy/open_meter.hpp"
#include "mine/cuda_autotune.hpp"
#include "mine/cuda_search.hpp"
#include "mine/known_headers.hpp"
#include "mine/launch_name.hpp"
#include "results/selection_text.hpp"
#include "sha256d_search.cuh"
#include "tune/chooser.hpp"
#include "tune/cuda_sha256d_choice.hpp"

namespace hashflop {
namespace {

std::string version_text(int v) {
  return fmt::format("{}.{}", v / 1000, (v % 1000) / 10);
}

int attribute(cudaDeviceAttr what, int device) {
  int value = 0;
  HF_CUDA_CHECK(cudaDeviceGetAttribute(&value, what, device));
  return value;
}

// The search every autotune of a run measures: the genesis header at its own target.
sha256d::Job genesis_job() {
  const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
  return sha256d::make_job(header.bytes().data(),
                           bitcoin::target_from_bits(header.bits()).top_word());
}

// "cuda-imad/tpb256_npt64 (chosen by measurement on 2026-12-03T10:00:00Z)", or when it will be:
// what `devices` says, from the wisdom file alone.
std::string sha256d_launch_property(int device) {
  if (const auto s = tune::stored_cuda_sha256d(device)) {
    return fmt::format("{} (chosen by measurement on {})", s->choice, s->calibrated_at);
  }
  return fmt::format(
      "not yet autotuned: the first run, a mine of 2^30 nonces or more, or hashflop tune "
      "--device cuda:{} measures it",
      device);
}

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int index) : index_(index) {
    cuda::DeviceScope scope(index_);
    cudaDeviceProp prop{};
    HF_CUDA_CHECK(cudaGetDeviceProperties(&prop, index_));
    info_.id = fmt::format("cuda:{}", index_);
    info_.name = prop.name;
    // Fails with cudaErrorNoKernelImageForDevice when this build has no code for the GPU.
    cudaFuncAttributes kernel{};
    std::vector<std::string> kernels;
    try {
      for (const auto& k : cuda::sha256d_kernels()) {
        HF_CUDA_CHECK(cuda::sha256d_search_attributes(k, &kernel));
        kernels.push_back(fmt::format("{} {} registers/thread", k.name, kernel.numRegs));
      }
    } catch (const cuda::CudaError& e) {
      throw DeviceError(
          fmt::format("{} ({}, compute capability {}.{}): cannot run the search kernel: {}",
                      info_.id, prop.name, prop.major, prop.minor, e.what()));
    }
    int driver = 0, runtime = 0;
    HF_CUDA_CHECK(cudaDriverGetVersion(&driver));
    HF_CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
    char bus_id[32] = {};
    HF_CUDA_CHECK(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, index_));
    const auto geometry = cuda::plan_geometry(index_, cuda::sha256d_kernels().front(), 0, 0);
    info_.properties = {
        {"compute capability", fmt::format("{}.{}", prop.major, prop.minor)},
        {"SMs", std::to_string(prop.multiProcessorCount)},
        {"SM clock (max)", fmt::format("{} MHz", attribute(cudaDevAttrClockRate, index_) / 1000)},
        {"memory clock (max)",
         fmt::format("{} MHz", attribute(cudaDevAttrMemoryClockRate, index_) / 1000)},
        {"memory", fmt::format("{:.1f} GiB, {}-bit bus", double(prop.totalGlobalMem) / (1 << 30),
                               attribute(cudaDevAttrGlobalMemoryBusWidth, index_))},
        {"L2 cache", fmt::format("{} MiB", prop.l2CacheSize >> 20)},
        {"max threads/SM", std::to_string(prop.maxThreadsPerMultiProcessor)},
        {"PCI bus id", bus_id},
        {"driver version", version_text(driver)},
        {"runtime version", version_text(runtime)},
        {"kernels", fmt::format("sm_{} code; {}", kernel.binaryVersion, fmt::join(kernels, ", "))},
        {"default launch", geometry.label()},
    };
  }

  const DeviceInfo& info() const override { return info_; }
  std::vector<std::pair<std::string, std::string>> choice_properties() const override {
    return {{"sha256d launch", sha256d_launch_property(index_)}};
  }
  DeviceRef ref() const override { return {DeviceKind::cuda, index_}; }

  Sha256dTuning tune_sha256d(unsigned /*threads*/, const tune::TuneSettings& settings) override {
    auto recalibrate = settings;
    recalibrate.recalibrate = true;
    auto c =
        tune::choose_cuda_sha256d(index_, genesis_job(), 0, cuda::all_kernels(), "", recalibrate);
    tuned_.clear();  // a later mine() on this backend takes the new choice
    const auto& first = *cuda::all_kernels().front();
    const auto untuned = cuda::plan_geometry(index_, first, 0, 0);
    return {std::move(c.selection),
            cuda::geometry_name(first.name, untuned.threads_per_block, untuned.nonces_per_thread)};
  }

  /// Every kernel; the registry's first ("cuda", all rotates as SHF) is last, as the default
  /// for small ranges. Large ranges use whichever the autotuner measured faster.
  std::vector<std::string> mine_variants() const override {
    std::vector<std::string> names;
    for (const auto& k : cuda::sha256d_kernels()) names.insert(names.begin(), k.name);
    return names;
  }

  std::unique_ptr<energy::EnergyMeter> open_meter(std::optional<double> assume_watts) override {
    return energy::open_for({DeviceKind::cuda, info_.property("PCI bus id")}, assume_watts);
  }

  results::DeviceRecord describe() const override {
    auto d = Backend::describe();
    const auto bus = info_.property("PCI bus id");
    d.gpu = results::GpuFacts{bus,
                              info_.property("SMs"),
                              info_.property("driver version"),
                              info_.property("runtime version"),
                              info_.property("SM clock (max)"),
                              info_.property("memory clock (max)"),
                              energy::nvml_power_limit_watts(bus)};
    return d;
  }

  MineResult mine(const MineRequest& request) override {
    validate_range(request.start, request.count);
    auto kernels = cuda::all_kernels();
    if (!request.variant.empty()) kernels = {&cuda::find_kernel(request.variant)};

    std::vector<std::pair<std::string, std::string>> tuning;
    cuda::LaunchGeometry geometry;
    const bool overridden = request.threads_per_block != 0 || request.nonces_per_thread != 0;
    if (!overridden && request.count >= tune::calibrate_min_nonces) {
      auto& tuned = tuned_[request.variant];  // "" means "any variant"
      if (!tuned) {
        const auto job =
            sha256d::make_job(request.header.bytes().data(), request.target.top_word());
        tune::TuneSettings settings;
        settings.use_wisdom = request.use_wisdom;
        settings.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
        tuned = tune::choose_cuda_sha256d(index_, job, request.start, kernels, request.variant,
                                          settings);
        const auto& s = tuned->selection;
        tuning.emplace_back(
            "autotuned",
            s.chosen_by == results::ChosenBy::wisdom
                ? fmt::format("yes: from the wisdom file ({})", s.calibrated_at)
                : fmt::format("yes: fastest of {} geometries, {:.0f} ms",
                              std::count_if(s.candidates.begin(), s.candidates.end(),
                                            [](const auto& c) { return c.rate.has_value(); }),
                              s.calibration_seconds.value_or(0) * 1e3));
      } else {
        tuning.emplace_back("autotuned", "yes: earlier result on this device");
      }
      tuning.emplace_back("selection", results::describe_selection(tuned->selection));
      geometry = tuned->geometry;
    } else {
      geometry = cuda::plan_geometry(index_, *kernels.front(), request.threads_per_block,
                                     request.nonces_per_thread);
      if (request.nonces_per_thread == 0) {
        geometry = cuda::fit_to_range(index_, geometry, request.count);
      }
      tuning.emplace_back("autotuned",
                          overridden ? "no: geometry given" : "no: range under 2^30 nonces");
    }
    auto result = cuda::search_range(index_, request, geometry);
    result.device = info_.id;
    result.settings.insert(result.settings.end(), tuning.begin(), tuning.end());
    return result;
  }

 private:
  int index_;
  DeviceInfo info_;
  // Chosen (wisdom or autotune) once per backend and requested variant, then reused.
  std::map<std::string, std::optional<tune::CudaSha256dChoice>> tuned_;
};

}  // namespace

std::optional<std::string> cuda_unavailable_reason() {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();  // not sticky, but leave no stale error for later calls
    // The runtime reports a missing driver as an "insufficient" one; say which it is.
    int driver = 0;
    const bool no_driver = cudaDriverGetVersion(&driver) == cudaSuccess && driver == 0;
    return fmt::format("{}cudaGetDeviceCount failed: {} ({})",
                       no_driver ? "no NVIDIA driver is installed or loaded; " : "",
                       cudaGetErrorString(err), cudaGetErrorName(err));
  }
  if (count == 0) return std::string("no CUDA device found (cudaGetDeviceCount reports 0)");
  // A device is usable only if this build carries code it can run (sm_80 and newer by default).
  std::string first_problem;
  for (int i = 0; i < count; ++i) {
    try {
      cuda::DeviceScope scope(i);
      cudaFuncAttributes attributes{};
      HF_CUDA_CHECK(cuda::sha256d_search_attributes(cuda::sha256d_kernels().front(), &attributes));
      return std::nullopt;
    } catch (const DeviceError& e) {
      if (first_problem.empty()) {
        cudaDeviceProp prop{};
        const bool known = cudaGetDeviceProperties(&prop, i) == cudaSuccess;
        first_problem = fmt::format(
            "cuda:{} ({}, compute capability {}.{}) cannot run the search "
            "kernel: {}",
            i, known ? prop.name : "?", prop.major, prop.minor, e.what());
      }
    }
  }
  return fmt::format("no usable CUDA device among {}: {}", count, first_problem);
}

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return count;
}

std::unique_ptr<Backend> make_cuda_backend(int index) {
  if (const auto reason = cuda_unavailable_reason()) {
    throw DeviceError(fmt::format("cuda:{}: {}", index, *reason));
  }
  const int count = cuda_device_count();
  if (index < 0 || index >= count) {
    throw DeviceError(fmt::format("cuda:{}: no such device ({} CUDA device{}: cuda:0 to cuda:{})",
                                  index, count, count == 1 ? "" : "s", count - 1));
  }
  return std::make_unique<CudaBackend>(index);
}

}  // namespace hashflop
