// What the harness tests measure: a workload that sleeps through its window and counts a fixed
// amount of work per second of wall time, and test-sized harness options.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "harness/harness.hpp"
#include "workload/workload.hpp"

namespace hashflop::test {

/// 1e6 "hashes" per second of wall time, verified as "synthetic".
class SteadyWorkload : public workload::Workload {
 public:
  explicit SteadyWorkload(std::string variant = "steady", Record params = {})
      : variant_(std::move(variant)), params_(std::move(params)) {}
  WorkloadKind workload() const override { return WorkloadKind::sha256d; }
  std::string variant() const override { return variant_; }
  std::string work_unit() const override { return "hash"; }
  Record params() const override { return params_; }
  DeviceRef device() const override { return {}; }
  Check verify() override { return {Verdict::passed, "synthetic"}; }
  double run(std::chrono::duration<double> d, const std::atomic<bool>& stop) override {
    const auto t0 = std::chrono::steady_clock::now();
    while (!stop && std::chrono::steady_clock::now() - t0 < d)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return 1e6 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::optional<Check> verify_measured() override { return after; }
  std::optional<Check> after;  ///< what the check after the windows reports

 private:
  std::string variant_;
  Record params_;
};

/// --quick's three windows, of `seconds` each after at most two short warm-up windows: a
/// test-sized run. No harness test measures idle power or cools down.
inline harness::HarnessOptions test_windows(double seconds) {
  auto o = harness::HarnessOptions::quick();
  o.duration = seconds;
  o.warmup_window = 0.05;
  o.warmup_max_windows = 2;
  return o;
}

}  // namespace hashflop::test
