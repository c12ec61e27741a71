// What the meters over sysfs files (RAPL's powercap counters, hwmon's power sensors) share: a
// PolledMeter around a plain source, opening one, naming its parts, and the root directory that
// tests point at a fake tree. A source says only what it reads and how it names itself; the
// life cycle (the first read in the constructor, the poller stopped before the source goes) is
// written once, here.
#pragma once

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "energy/energy_meter.hpp"

namespace hashflop::energy {

/// Source has `static constexpr EnergyMethod method`, `std::string describe() const` (the
/// meter's source()) and `PolledMeter::Reading read()`, which throws when a read fails.
template <class Source>
class FileMeter final : public PolledMeter {
 public:
  FileMeter(Source source, std::chrono::milliseconds period) : source_(std::move(source)) {
    start_polling(period);
  }
  ~FileMeter() override { stop_polling(); }

  EnergyMethod method() const override { return Source::method; }
  std::string source() const override { return source_.describe(); }

 protected:
  Reading read() override { return source_.read(); }

 private:
  Source source_;
};

/// A meter over `source`, or why there is none: the constructor's first read throws what went
/// wrong.
template <class Source>
std::variant<std::unique_ptr<EnergyMeter>, std::string> open_file_meter(
    Source source, std::chrono::milliseconds period) {
  try {
    return std::unique_ptr<EnergyMeter>(
        std::make_unique<FileMeter<Source>>(std::move(source), period));
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

/// "a + b": the parts a meter sums, as its source() names them.
template <class Part>
std::string joined_names(const std::vector<Part>& parts, std::string Part::*name) {
  std::string names;
  for (const auto& p : parts) names += (names.empty() ? "" : " + ") + p.*name;
  return names;
}

/// $variable when it is set and not empty, else `fallback`.
inline std::filesystem::path root_from_env(const char* variable, const char* fallback) {
  const char* env = std::getenv(variable);
  return env != nullptr && *env != '\0' ? std::filesystem::path(env)
                                        : std::filesystem::path(fallback);
}

}  // namespace hashflop::energy
