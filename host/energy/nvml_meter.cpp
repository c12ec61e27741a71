#include "energy/nvml_meter.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

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
constexpr unsigned int nvml_mig_enabled = 1;  // NVML_DEVICE_MIG_ENABLE
// On Hopper nvmlDeviceGetPowerUsage is a 1 s average and the total-energy counter advances in
// coarse steps (NVML API reference; issue 16). The polled integral of a window lags the load by
// up to one averaging period across its two edges: at 5 s that is a fifth of the window.
constexpr double nvml_shortest_window_seconds = 5;
// Window edges wait for the next counter update, read this often: the edge is known to within
// half of it. A counter that has not moved for a whole second is not stepping at a usable rate.
constexpr auto counter_spin_pause = std::chrono::microseconds(500);
constexpr auto counter_wait_limit = std::chrono::seconds(1);

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
  nvml_return (*mig_mode)(nvml_device, unsigned int*, unsigned int*) = nullptr;
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
    bind(lib_, "nvmlDeviceGetMigMode", api.mig_mode);
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
    // A MIG instance reports its parent's PCI bus id, and NVML's energy and power are the whole
    // board's, shared by every instance on it: they are not this instance's joules.
    unsigned int mig_current = 0, mig_pending = 0;
    if (api.mig_mode != nullptr && api.mig_mode(dev_, &mig_current, &mig_pending) == nvml_success &&
        mig_current == nvml_mig_enabled) {
      throw DeviceError(fmt::format(
          "GPU {} is in MIG mode: NVML's energy counter and power reading cover the whole board, "
          "shared by every MIG instance on it, so no energy is attributed to this instance "
          "(--assume-watts gives a labelled estimate)",
          bus_id));
    }
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
    if (counter_) measure_update_period();
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
    if (counter_) {
      return update_period_
                 ? fmt::format(
                       "NVML total energy counter, GPU {}; window edges aligned to its updates, "
                       "every {:.1f} ms",
                       bus_id_, *update_period_ * 1e3)
                 : fmt::format("NVML total energy counter, GPU {}; window edges not aligned: {}",
                               bus_id_, period_why_);
    }
    return fmt::format(
        "NVML polled power integrated over time, GPU {} (energy counter "
        "unavailable: {})",
        bus_id_, counter_why_);
  }
  std::optional<double> counter_update_seconds() const override { return update_period_; }

  // The counter advances in steps (tens of ms apart on recent GPUs), so a window whose edges
  // fall between steps is off by up to one step at each edge: 1 to 2% of a 10 s window. The
  // start waits for a step and begins on it; the end waits for the next step and interpolates
  // the one that straddles it.
  Mark begin() override {
    const auto step = update_period_ ? step_or_none(*update_period_) : std::nullopt;
    Mark mark = PolledMeter::begin();
    // The window starts on the step itself: a read that came late (a busy host) would count
    // the energy since the step over a shorter time.
    if (step) {
      mark.t = step->at;
      mark.counter_joules = step->after;
    }
    return mark;
  }
  WindowEnergy end(const Mark& mark) override {
    if (!update_period_) return PolledMeter::end(mark);
    const auto ended = Clock::now();
    const auto step = step_or_none(*update_period_);
    WindowEnergy w = PolledMeter::end(mark);
    if (!step || !w.joules) return w;
    const double read_seconds = w.seconds;
    w.seconds = std::chrono::duration<double>(ended - mark.t).count();
    w.joules = counter_at_end({step->before, step->after,
                               std::chrono::duration<double>(step->at - ended).count()},
                              *update_period_) -
               mark.counter_joules;
    // The polled integral ran to the last read, past the end: the same share of it is kept.
    if (w.integral_joules && read_seconds > 0) *w.integral_joules *= w.seconds / read_seconds;
    return w;
  }

 protected:
  Reading read() override {
    const auto& api = session_->api;
    Reading r;
    if (counter_) r.counter_joules = counter_joules();
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
  struct Step {
    Clock::time_point at;  ///< midway between the last read before the change and the first after
    double before = 0, after = 0;
  };

  double counter_joules() const {
    unsigned long long mj = 0;
    if (const auto rc = session_->api.total_energy(dev_, &mj); rc != nvml_success) {
      throw DeviceError(
          fmt::format("nvmlDeviceGetTotalEnergyConsumption: {}", session_->message(rc)));
    }
    return static_cast<double>(mj) * 1e-3;
  }

  // The counter's next change, read every counter_spin_pause; nullopt when it did not change
  // within `limit`. NVML is thread-safe, so the poller may read meanwhile.
  std::optional<Step> next_step(std::chrono::duration<double> limit) const {
    const auto start = Clock::now();
    auto last_read = start;
    const double first = counter_joules();
    while (last_read - start < limit) {
      std::this_thread::sleep_for(counter_spin_pause);
      const double now = counter_joules();
      const auto read_at = Clock::now();
      if (now != first) return Step{last_read + (read_at - last_read) / 2, first, now};
      last_read = read_at;
    }
    return std::nullopt;
  }
  // Two periods: a late update still counts; past that the edge is left where it falls. A
  // failed read leaves it there too: the poller's next read records the failure, and end()
  // reports it as before.
  std::optional<Step> step_or_none(double period_seconds) const {
    try {
      return next_step(std::chrono::duration<double>(2 * period_seconds + 0.005));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  // The shorter of two intervals between three consecutive changes (a late read lengthens one,
  // nothing shortens one); without three changes, edges are not aligned and source() says why.
  void measure_update_period() {
    std::vector<Clock::time_point> changes;
    for (int i = 0; i < 3; ++i) {
      const auto step = next_step(std::chrono::duration<double>(counter_wait_limit));
      if (!step) {
        period_why_ =
            fmt::format("the counter did not change within {} s", counter_wait_limit.count());
        return;
      }
      changes.push_back(step->at);
    }
    update_period_ = std::min(std::chrono::duration<double>(changes[1] - changes[0]).count(),
                              std::chrono::duration<double>(changes[2] - changes[1]).count());
  }

  std::unique_ptr<NvmlSession> session_;
  std::string bus_id_;
  nvml_device dev_;
  bool counter_ = false, power_ = false;
  std::string counter_why_;
  std::optional<double> update_period_;
  std::string period_why_;
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
