// A thread that calls a step every period until the step returns false or the object is
// destroyed; destruction wakes it at once and joins it. The harness's live progress line and
// the sha256d window deadline both need exactly this.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace hashflop {

class PeriodicThread {
 public:
  /// `step()` returns whether to keep going; it runs first right away, then every `period`.
  template <class Step>
  PeriodicThread(std::chrono::milliseconds period, Step step)
      : thread_([this, period, step = std::move(step)]() mutable {
          std::unique_lock lock(mutex_);
          while (!done_ && step()) wake_.wait_for(lock, period);
        }) {}

  ~PeriodicThread() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  // Declared before thread_, so they exist before the thread starts.
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace hashflop
