// A fake /sys/class/hwmon tree in a temporary directory: ACPI power meters as NVIDIA Grace
// exposes them (name "power_meter", power1_oem_info, power1_average in microwatts).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

class FakeHwmon {
 public:
  FakeHwmon() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hashflop-hwmon-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
  }
  ~FakeHwmon() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FakeHwmon(const FakeHwmon&) = delete;
  FakeHwmon& operator=(const FakeHwmon&) = delete;

  const std::filesystem::path& root() const { return root_; }

  /// hwmonN with its attributes in device/ (as on Grace's kernels), reading `watts`.
  void add_power_meter(const std::string& hwmon, const std::string& label, double watts,
                       const std::string& sub = "device", const std::string& reading = "average") {
    const auto dir = root_ / hwmon / sub;
    std::filesystem::create_directories(dir);
    write(root_ / hwmon / "name", "power_meter");
    write(dir / "power1_oem_info", label);
    write(dir / "power1_average_interval", "50");
    paths_[hwmon] = dir / ("power1_" + reading);
    set(hwmon, watts);
  }
  void add_other(const std::string& hwmon, const std::string& name) {
    std::filesystem::create_directories(root_ / hwmon);
    write(root_ / hwmon / "name", name);
    write(root_ / hwmon / "temp1_input", "45000");
  }
  /// Atomic replace, so a reader never sees a half-written number.
  void set(const std::string& hwmon, double watts) {
    write(paths_.at(hwmon), std::to_string(static_cast<uint64_t>(watts * 1e6)));
  }

 private:
  static void write(const std::filesystem::path& path, const std::string& text) {
    auto tmp = path;
    tmp += ".tmp";
    {
      std::ofstream out(tmp);
      out << text << "\n";
    }
    std::filesystem::rename(tmp, path);
  }

  std::filesystem::path root_;
  std::map<std::string, std::filesystem::path> paths_;
};
