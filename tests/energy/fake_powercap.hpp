// A fake /sys/class/powercap tree in a temporary directory, with an optional writer thread that
// makes the package counters rise at a known wattage in real time and wrap at their range.
//
// The file is only as fresh as the writer's last pass: a reader sees the energy as of then. On a
// loaded machine the writer can be descheduled for tens of milliseconds, and a stale value at a
// window's edge moves that window's watts (58 W read against 50 W, in a 0.3 s window beside two
// busy processes). The writer records its longest gap between passes, so a test can bound what
// the fake can promise instead of assuming it kept real time.
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
      double last = 0;
      while (!stop_) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        set(dir, static_cast<uint64_t>(watts * s * 1e6) % max_uj);
        if (s - last > max_stall_) max_stall_ = s - last;
        last = s;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  /// The longest time between two writes so far, in seconds: how stale a read could have been.
  double max_stall_seconds() const { return max_stall_; }

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
  std::atomic<double> max_stall_{0};
};
