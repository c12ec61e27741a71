// The one way hashflop times work. A trial is some work and the seconds it took (a harness
// window, a batch of GEMM products, one search launch, a calibration trial); a series is a
// warm-up, then timed trials; its summary gives THE rate, total work over total timed time,
// and beside it, named as such, the per-trial statistics.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace hashflop::measure {

/// One timed piece of work.
struct Trial {
  double work = 0;     ///< exact work done: hashes tested, FLOPs, bytes
  double seconds = 0;  ///< timed seconds (a device clock where there is one)
  double rate() const { return seconds > 0 ? work / seconds : 0; }
};

/// What a series of timed trials says.
struct Summary {
  size_t trials = 0;
  double work = 0, seconds = 0;
  /// The rate: total work over total timed seconds. Every rate hashflop reports is this one, so
  /// `gemm`, `run`, `mine`, calibration and the autotuner agree on one definition.
  double rate = 0;
  /// Statistics of the per-trial rates (NaN without trials): the median resists one slow
  /// trial, the extremes show the spread. Never reported as "the rate".
  double median_rate = 0, min_rate = 0, max_rate = 0;
};

Summary summarize(std::span<const Trial> trials);

/// How a series warms up and how many trials it times.
struct Plan {
  /// Warm-up trials, untimed: exactly this many when `stable_within` is 0; otherwise trials
  /// until two in a row agree within `stable_within` (a fraction), at most this many.
  int warmup = 1;
  double stable_within = 0;
  int trials = 5;  ///< timed trials
};

/// A warm-up then timed trials, fed one trial at a time, so callers that interleave several
/// (calibration's alternating rounds) or bracket each with a meter (the harness) keep their
/// own loop and share the rules.
class Series {
 public:
  explicit Series(Plan plan) : plan_(plan) {}
  /// Whether the next trial is a warm-up one.
  bool warming_up() const;
  /// Whether every timed trial has been added.
  bool done() const { return static_cast<int>(timed_.size()) >= plan_.trials; }
  void add(const Trial& t);
  /// Whether the warm-up ended on agreement (always true for a fixed-count warm-up once over).
  bool stable() const;
  std::span<const Trial> warmup() const { return warmup_; }
  std::span<const Trial> timed() const { return timed_; }
  Summary summary() const { return summarize(timed_); }
  const Plan& plan() const { return plan_; }

 private:
  bool warmup_agrees() const;

  Plan plan_;
  std::vector<Trial> warmup_, timed_;
  bool warmed_ = false;
};

/// Runs `trial(warming_up)` until the series is done or `stop` is set. A trial that returns
/// nullopt was cut short: it is dropped and the series ends there.
Series run_series(const Plan& plan, const std::function<std::optional<Trial>(bool)>& trial,
                  const std::atomic<bool>* stop = nullptr);

/// Wall-clock seconds since construction, on the steady clock.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace hashflop::measure
