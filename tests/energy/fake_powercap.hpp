// A fake /sys/class/powercap tree in a temporary directory, with an optional writer thread that
// makes the package counters rise at a known wattage in real time and wrap at their range.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

class FakePowercap {
 public:
  FakePowercap() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "hashflop-powercap-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
  }
  ~FakePowercap() {
    stop_writer();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FakePowercap(const FakePowercap&) = delete;
  FakePowercap& operator=(const FakePowercap&) = delete;

  const std::filesystem::path& root() const { return root_; }

  void add_domain(const std::string& dir, const std::string& name, uint64_t energy_uj,
                  uint64_t max_uj) {
    std::filesystem::create_directories(root_ / dir);
    write(dir, "name", name);
    write(dir, "max_energy_range_uj", std::to_string(max_uj));
    set(dir, energy_uj);
  }
  // Atomic replace, so a reader never sees a half-written number.
  void set(const std::string& dir, uint64_t energy_uj) {
    write(dir, "energy_uj", std::to_string(energy_uj));
  }

  /// Raises `dir`'s counter at `watts` from now on, wrapping at `max_uj`, every millisecond.
  void start_writer(const std::string& dir, double watts, uint64_t max_uj) {
    writer_ = std::thread([this, dir, watts, max_uj] {
      const auto t0 = std::chrono::steady_clock::now();
      while (!stop_) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        set(dir, static_cast<uint64_t>(watts * s * 1e6) % max_uj);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  void stop_writer() {
    stop_ = true;
    if (writer_.joinable()) writer_.join();
  }

 private:
  void write(const std::string& dir, const std::string& file, const std::string& text) {
    const auto path = root_ / dir / file;
    const auto tmp = root_ / dir / ("." + file + ".tmp");
    {
      std::ofstream out(tmp);
      out << text << "\n";
    }
    std::filesystem::rename(tmp, path);
  }

  std::filesystem::path root_;
  std::thread writer_;
  std::atomic<bool> stop_{false};
};
