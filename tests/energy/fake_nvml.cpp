// A stand-in for libnvidia-ml.so.1 with the entry points hashflop uses, so the NVML meter is
// tested without a GPU. Controlled by the environment, read on every call:
//   FAKE_NVML_WATTS    constant power (default 100)
//   FAKE_NVML_COUNTER  "0": nvmlDeviceGetTotalEnergyConsumption is NOT_SUPPORTED
//   FAKE_NVML_BUS_ID   the only bus id that has a device (default 00000000:01:00.0)
//   FAKE_NVML_SM_MHZ   the SM clock (default 1410)
//   FAKE_NVML_COUNTER_SCALE  the energy counter reads this times the energy the polled power
//                      gives (default 1), so a test sees a known counter/integral ratio
//   FAKE_NVML_COUNTER_PERIOD_MS  the counter advances in steps this far apart, as real ones do
//                      (default 0: continuously)
//   FAKE_NVML_MIG      "1": the device is in MIG mode
//   FAKE_NVML_REASONS  the clock-event reasons bitmask (default 0: none)
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using Clock = std::chrono::steady_clock;
// The counter's epoch: set by the first nvmlInit only. A later session (nvml_power_limit_watts
// opens one while a meter polls) must neither move the counter back, as a real driver's never
// goes, nor write what a poll thread reads (TSan flagged that).
std::atomic<Clock::rep> g_start_ticks{0};
int g_device_tag = 0;  // the handle points here

double watts() {
  const char* w = std::getenv("FAKE_NVML_WATTS");
  return w != nullptr ? std::atof(w) : 100.0;
}
bool counter_supported() {
  const char* c = std::getenv("FAKE_NVML_COUNTER");
  return c == nullptr || std::strcmp(c, "0") != 0;
}
double env_or(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atof(v) : fallback;
}
double elapsed() {
  const Clock::duration since_start =
      Clock::now().time_since_epoch() - Clock::duration(g_start_ticks.load());
  return std::chrono::duration<double>(since_start).count();
}

}  // namespace

// NVML's device handle type (nvml.h), so these have exactly the types nvml_meter.cpp calls.
struct nvmlDevice_st;

extern "C" {

int nvmlInit_v2() {
  Clock::rep unset = 0;
  g_start_ticks.compare_exchange_strong(unset, Clock::now().time_since_epoch().count());
  return 0;
}
int nvmlShutdown() {
  return 0;
}
const char* nvmlErrorString(int rc) {
  return rc == 3 ? "Not Supported" : "Fake Error";
}

int nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, nvmlDevice_st** device) {
  const char* want = std::getenv("FAKE_NVML_BUS_ID");
  if (std::strcmp(bus_id, want != nullptr ? want : "00000000:01:00.0") != 0) return 6;  // NOT_FOUND
  *device = reinterpret_cast<nvmlDevice_st*>(&g_device_tag);
  return 0;
}
int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_st*, unsigned long long* mj) {
  if (!counter_supported()) return 3;
  // Energy since "driver load": 1000 J before init, then the constant power, up to the last
  // step when the counter steps.
  const double period = env_or("FAKE_NVML_COUNTER_PERIOD_MS", 0) * 1e-3;
  const double t = period > 0 ? std::floor(elapsed() / period) * period : elapsed();
  *mj = static_cast<unsigned long long>(1e6 +
                                        env_or("FAKE_NVML_COUNTER_SCALE", 1) * watts() * t * 1e3);
  return 0;
}
int nvmlDeviceGetPowerUsage(nvmlDevice_st*, unsigned int* mw) {
  *mw = static_cast<unsigned int>(watts() * 1e3);
  return 0;
}
int nvmlDeviceGetClockInfo(nvmlDevice_st*, int type, unsigned int* mhz) {
  *mhz = type == 1 ? static_cast<unsigned int>(env_or("FAKE_NVML_SM_MHZ", 1410)) : 1593;
  return 0;
}
int nvmlDeviceGetTemperature(nvmlDevice_st*, int, unsigned int* c) {
  *c = 61;
  return 0;
}
int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_st*, unsigned long long* reasons) {
  *reasons = static_cast<unsigned long long>(env_or("FAKE_NVML_REASONS", 0));
  return 0;
}
int nvmlDeviceGetMigMode(nvmlDevice_st*, unsigned int* current, unsigned int* pending) {
  const char* mig = std::getenv("FAKE_NVML_MIG");
  *current = *pending = mig != nullptr && std::strcmp(mig, "1") == 0 ? 1 : 0;
  return 0;
}
int nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_st*, unsigned int* mw) {
  *mw = 300000;
  return 0;
}
int nvmlSystemGetDriverVersion(char* text, unsigned int length) {
  std::snprintf(text, length, "%s", "999.12.34");
  return 0;
}

}  // extern "C"
