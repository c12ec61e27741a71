#include "energy/nvml_meter.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "common/error.hpp"

// NVML's opaque device type, under its own name (nvml.h: typedef struct nvmlDevice_st*
// nvmlDevice_t): a function is called through a pointer of exactly its type, as clang's UBSan
// (-fsanitize=function) checks, only if the type is the library's.
struct nvmlDevice_st;

namespace hashflop::energy {
namespace {

// The few entry points used, declared from NVIDIA's documented signatures (no nvml.h here).
using nvml_return = int;
using nvml_device = nvmlDevice_st*;
constexpr nvml_return nvml_success = 0;
constexpr nvml_return nvml_error_not_supported = 3;
constexpr int nvml_clock_sm = 1, nvml_clock_mem = 2, nvml_temperature_gpu = 0;
// On Hopper nvmlDeviceGetPowerUsage is a 1 s average and the total-energy counter advances in
// coarse steps (NVML API reference; issue 16). The polled integral of a window lags the load by
// up to one averaging period across its two edges: at 5 s that is a fifth of the window.
constexpr double nvml_shortest_window_seconds = 5;

struct NvmlApi {
  nvml_return (*init)() = nullptr;
  nvml_return (*shutdown)() = nullptr;
  const char* (*error_string)(nvml_return) = nullptr;
  nvml_return (*handle_by_bus_id)(const char*, nvml_device*) = nullptr;
  nvml_return (*total_energy)(nvml_device, unsigned long long*) = nullptr;
  nvml_return (*power_usage)(nvml_device, unsigned int*) = nullptr;
  nvml_return (*clock_info)(nvml_device, int, unsigned int*) = nullptr;
  nvml_return (*temperature)(nvml_device, int, unsigned int*) = nullptr;
  nvml_return (*event_reasons)(nvml_device, unsigned long long*) = nullptr;
  nvml_return (*power_limit)(nvml_device, unsigned int*) = nullptr;
  nvml_return (*driver_version)(char*, unsigned int) = nullptr;
};

template <typename Fn>
void bind(void* lib, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
}

// RAII over dlopen and nvmlInit/nvmlShutdown: the session lives exactly as long as this.
class NvmlSession {
 public:
  explicit NvmlSession(const std::string& path) {
    lib_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) {
      const char* why = dlerror();
      throw DeviceError(fmt::format("cannot load NVML ({}): {} (is the NVIDIA driver installed?)",
                                    path, why != nullptr ? why : "unknown error"));
    }
    bind(lib_, "nvmlInit_v2", api.init);
    bind(lib_, "nvmlShutdown", api.shutdown);
    bind(lib_, "nvmlErrorString", api.error_string);
    bind(lib_, "nvmlDeviceGetHandleByPciBusId_v2", api.handle_by_bus_id);
    bind(lib_, "nvmlDeviceGetTotalEnergyConsumption", api.total_energy);
    bind(lib_, "nvmlDeviceGetPowerUsage", api.power_usage);
    bind(lib_, "nvmlDeviceGetClockInfo", api.clock_info);
    bind(lib_, "nvmlDeviceGetTemperature", api.temperature);
    bind(lib_, "nvmlDeviceGetCurrentClocksEventReasons", api.event_reasons);
    // Drivers before the rename (R535) only have the old name for the same call.
    if (api.event_reasons == nullptr)
      bind(lib_, "nvmlDeviceGetCurrentClocksThrottleReasons", api.event_reasons);
    bind(lib_, "nvmlDeviceGetEnforcedPowerLimit", api.power_limit);
    bind(lib_, "nvmlSystemGetDriverVersion", api.driver_version);
    if (api.init == nullptr || api.shutdown == nullptr || api.handle_by_bus_id == nullptr) {
      dlclose(lib_);
      throw DeviceError(
          fmt::format("{} lacks nvmlInit_v2 or nvmlDeviceGetHandleByPciBusId_v2", path));
    }
    if (const auto rc = api.init(); rc != nvml_success) {
      const std::string why = message(rc);
      dlclose(lib_);
      throw DeviceError(fmt::format("nvmlInit_v2 failed: {}", why));
    }
  }
  ~NvmlSession() {
    api.shutdown();
    dlclose(lib_);
  }
  NvmlSession(const NvmlSession&) = delete;
  NvmlSession& operator=(const NvmlSession&) = delete;

  std::string message(nvml_return rc) const {
    const char* s = api.error_string != nullptr ? api.error_string(rc) : nullptr;
    return fmt::format("{} (NVML error {})", s != nullptr ? s : "unknown", rc);
  }
  nvml_device device(const std::string& bus_id) const {
    nvml_device dev = nullptr;
    if (const auto rc = api.handle_by_bus_id(bus_id.c_str(), &dev); rc != nvml_success) {
      throw DeviceError(
          fmt::format("NVML has no device at PCI bus id {}: {}", bus_id, message(rc)));
    }
    return dev;
  }

  NvmlApi api;

 private:
  void* lib_ = nullptr;
};

class NvmlMeter final : public PolledMeter {
 public:
  NvmlMeter(std::unique_ptr<NvmlSession> session, const std::string& bus_id,
            std::chrono::milliseconds period)
      : session_(std::move(session)), bus_id_(bus_id), dev_(session_->device(bus_id)) {
    const auto& api = session_->api;
    unsigned long long mj = 0;
    const auto rc =
        api.total_energy != nullptr ? api.total_energy(dev_, &mj) : nvml_error_not_supported;
    counter_ = rc == nvml_success;
    if (!counter_) counter_why_ = session_->message(rc);
    unsigned int mw = 0;
    power_ = api.power_usage != nullptr && api.power_usage(dev_, &mw) == nvml_success;
    if (!counter_ && !power_) {
      throw DeviceError(fmt::format("NVML device {} reports neither total energy ({}) nor power",
                                    bus_id, counter_why_));
    }
    start_polling(period);
  }
  ~NvmlMeter() override { stop_polling(); }

  EnergyMethod method() const override {
    return counter_ ? EnergyMethod::nvml_energy_counter : EnergyMethod::nvml_power_integral;
  }
  double shortest_trusted_window() const override { return nvml_shortest_window_seconds; }
  std::string short_window_reason() const override {
    return "NVML's power reading is a 1 s moving average on Hopper and its energy counter "
           "updates coarsely, so a window this short has uncertain joules";
  }
  std::string source() const override {
    return counter_ ? fmt::format("NVML total energy counter, GPU {}", bus_id_)
                    : fmt::format(
                          "NVML polled power integrated over time, GPU {} (energy counter "
                          "unavailable: {})",
                          bus_id_, counter_why_);
  }

 protected:
  Reading read() override {
    const auto& api = session_->api;
    Reading r;
    if (counter_) {
      unsigned long long mj = 0;
      if (const auto rc = api.total_energy(dev_, &mj); rc != nvml_success) {
        throw DeviceError(
            fmt::format("nvmlDeviceGetTotalEnergyConsumption: {}", session_->message(rc)));
      }
      r.counter_joules = static_cast<double>(mj) * 1e-3;
    }
    unsigned int v = 0;
    if (power_ && api.power_usage(dev_, &v) == nvml_success) r.power_watts = v * 1e-3;
    if (api.clock_info != nullptr && api.clock_info(dev_, nvml_clock_sm, &v) == nvml_success)
      r.sample.sm_mhz = v;
    if (api.clock_info != nullptr && api.clock_info(dev_, nvml_clock_mem, &v) == nvml_success)
      r.sample.mem_mhz = v;
    if (api.temperature != nullptr &&
        api.temperature(dev_, nvml_temperature_gpu, &v) == nvml_success)
      r.sample.temp_c = v;
    unsigned long long reasons = 0;
    if (api.event_reasons != nullptr && api.event_reasons(dev_, &reasons) == nvml_success)
      r.sample.reasons = reasons;
    return r;
  }

 private:
  std::unique_ptr<NvmlSession> session_;
  std::string bus_id_;
  nvml_device dev_;
  bool counter_ = false, power_ = false;
  std::string counter_why_;
};

}  // namespace

std::string nvml_library_path() {
  const char* env = std::getenv("HASHFLOP_NVML_LIBRARY");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string("libnvidia-ml.so.1");
}

std::variant<std::unique_ptr<EnergyMeter>, std::string> open_nvml(
    const std::string& bus_id, const std::string& library, std::chrono::milliseconds period) {
  try {
    auto session = std::make_unique<NvmlSession>(library);
    return std::unique_ptr<EnergyMeter>(
        std::make_unique<NvmlMeter>(std::move(session), bus_id, period));
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

std::optional<double> nvml_power_limit_watts(const std::string& bus_id,
                                             const std::string& library) {
  try {
    NvmlSession session(library);
    unsigned int mw = 0;
    if (session.api.power_limit == nullptr ||
        session.api.power_limit(session.device(bus_id), &mw) != nvml_success) {
      return std::nullopt;
    }
    return mw * 1e-3;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> nvml_driver_version(const std::string& library) {
  try {
    NvmlSession session(library);
    // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE is 80.
    char text[80] = {};
    if (session.api.driver_version == nullptr ||
        session.api.driver_version(text, sizeof text) != nvml_success || text[0] == 0) {
      return std::nullopt;
    }
    return std::string(text, strnlen(text, sizeof text));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace hashflop::energy
