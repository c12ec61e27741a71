#include "energy/hwmon_meter.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "common/error.hpp"
#include "energy/file_meter.hpp"

namespace hashflop::energy {
namespace fs = std::filesystem;
namespace {

struct Sensor {
  std::string label;  ///< "Grace Power Socket 0"
  std::string kind;   ///< "Grace", "CPU", "Module", "SysIO"
  unsigned socket = 0;
  fs::path reading;  ///< powerN_average, else powerN_input (microwatts)
  std::string interval_ms;
};

double parse_microwatts(const std::string& text, const fs::path& path) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (end == text.c_str() || errno != 0) {
    throw DeviceError(fmt::format("{}: not a power reading: '{}'", path.string(), text));
  }
  return static_cast<double>(v) * 1e-6;
}

// The acpi_power_meter driver has put its attributes in hwmonN/ or in hwmonN/device/,
// depending on the kernel; look in both.
std::vector<Sensor> find_sensors(const fs::path& root, const FileReader& reader) {
  static const std::regex oem_info(R"(power([0-9]+)_oem_info)");
  static const std::regex grace_label(R"((Module|Grace|CPU|SysIO) Power Socket ([0-9]+))");
  std::vector<Sensor> sensors;
  std::error_code ec;
  for (const auto& hwmon : fs::directory_iterator(root, ec)) {
    for (const fs::path& dir : {hwmon.path(), hwmon.path() / "device"}) {
      std::error_code ec2;
      for (const auto& file : fs::directory_iterator(dir, ec2)) {
        std::smatch m;
        const std::string name = file.path().filename().string();
        if (!std::regex_match(name, m, oem_info)) continue;
        std::smatch label;
        Sensor s;
        try {
          s.label = reader(file.path());
        } catch (const FileReadError&) {
          continue;  // a label we cannot read names nothing we could use
        }
        if (!std::regex_match(s.label, label, grace_label)) continue;
        // One sensor seen through both directories must not count twice.
        if (std::any_of(sensors.begin(), sensors.end(),
                        [&](const Sensor& o) { return o.label == s.label; })) {
          continue;
        }
        s.kind = label[1];
        // A socket number beyond unsigned is no socket (std::stoul threw on it: the fuzzer's find).
        const std::string socket = label[2];
        if (std::from_chars(socket.data(), socket.data() + socket.size(), s.socket).ec !=
            std::errc()) {
          continue;
        }
        const std::string power = "power" + m[1].str();
        s.reading = fs::exists(dir / (power + "_average")) ? dir / (power + "_average")
                                                           : dir / (power + "_input");
        try {
          s.interval_ms = reader(dir / (power + "_average_interval"));
        } catch (const FileReadError&) {
          // optional: only said in the source text
        }
        sensors.push_back(std::move(s));
      }
    }
  }
  std::sort(sensors.begin(), sensors.end(),
            [](const Sensor& a, const Sensor& b) { return a.socket < b.socket; });
  return sensors;
}

// The chosen sensors' power, summed; the meter integrates it over time.
struct HwmonSource {
  static constexpr EnergyMethod method = EnergyMethod::hwmon_power_integral;
  std::vector<Sensor> sensors;
  FileReader reader;

  std::string describe() const {
    const std::string& interval = sensors.front().interval_ms;
    return fmt::format(
        "hwmon polled power integrated over time (an estimate, not an energy counter): {} "
        "(ACPI power meter{}; the module sensors, which include the GPU, are not counted)",
        joined_names(sensors, &Sensor::label),
        interval.empty() ? "" : fmt::format(", averaged over {} ms", interval));
  }

  PolledMeter::Reading read() {
    double watts = 0;
    for (const auto& s : sensors) watts += parse_microwatts(reader(s.reading), s.reading);
    PolledMeter::Reading r;
    r.power_watts = watts;
    return r;
  }
};

}  // namespace

fs::path hwmon_root() {
  return root_from_env("HASHFLOP_HWMON_ROOT", "/sys/class/hwmon");
}

std::variant<std::unique_ptr<EnergyMeter>, std::string> open_hwmon(
    const fs::path& root, const FileReader& reader, std::chrono::milliseconds period) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return fmt::format("no hwmon tree at {}", root.string());
  auto sensors = find_sensors(root, reader);
  // The Grace socket sensors when there are any, else the CPU rails; one kind, or sums would
  // count the same power twice.
  const bool has_grace = std::any_of(sensors.begin(), sensors.end(),
                                     [](const Sensor& s) { return s.kind == "Grace"; });
  const std::string wanted = has_grace ? "Grace" : "CPU";
  std::erase_if(sensors, [&](const Sensor& s) { return s.kind != wanted; });
  if (sensors.empty()) {
    return fmt::format(
        "no CPU power sensor under {} (looked for hwmon power meters labelled 'Grace Power "
        "Socket N' or 'CPU Power Socket N', as NVIDIA Grace has; Arm CPUs have no RAPL)",
        root.string());
  }
  for (const auto& s : sensors) {
    try {
      parse_microwatts(reader(s.reading), s.reading);
    } catch (const FileReadError& e) {
      return fmt::format("{} ({}): {}", s.label, s.reading.string(), e.what());
    } catch (const DeviceError& e) {
      return std::string(e.what());
    }
  }
  return open_file_meter(HwmonSource{std::move(sensors), reader}, period);
}

}  // namespace hashflop::energy
