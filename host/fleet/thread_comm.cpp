// The threads launcher's ranks: one thread per device in this process, a generation-counted
// barrier with a deadline, and payload slots the root (the caller of collect) waits on.
#include <condition_variable>
#include <mutex>

#include "fleet/comm.hpp"

namespace hashflop::fleet {

struct ThreadGroup::State {
  std::mutex mutex;
  std::condition_variable changed;
  int size = 1;
  std::string host;
  // Barrier: `arrived` of the current generation; a rank leaves when the generation moves on.
  int arrived = 0;
  long generation = 0;
  std::vector<std::vector<double>> values;  // max_all contributions of the current round
  std::optional<std::vector<double>> agreed;
  std::vector<std::optional<std::string>> payloads;

  // Arrives at the barrier; the last arrival runs `last` (under the lock) and releases all.
  template <typename F>
  bool meet(Clock::time_point deadline, F&& last) {
    std::unique_lock lock(mutex);
    const long mine = generation;
    if (++arrived == size) {
      last();
      arrived = 0;
      ++generation;
      changed.notify_all();
      return true;
    }
    return changed.wait_until(lock, deadline, [&] { return generation != mine; });
  }
};

namespace {

class ThreadComm final : public Comm {
 public:
  ThreadComm(ThreadGroup::State& s, int index) : s_(s) {
    place_ = {index, s.size, index, s.size, s.host};
  }
  const RankPlace& place() const override { return place_; }

  bool barrier(Clock::time_point deadline) override {
    return s_.meet(deadline, [] {});
  }

  std::optional<std::vector<double>> max_all(const std::vector<double>& values,
                                             Clock::time_point deadline) override {
    {
      std::lock_guard lock(s_.mutex);
      s_.values[static_cast<size_t>(place_.rank)] = values;
    }
    const bool met = s_.meet(deadline, [this] {
      std::vector<double> out = s_.values.front();
      for (const auto& v : s_.values) {
        for (size_t i = 0; i < out.size() && i < v.size(); ++i) out[i] = std::max(out[i], v[i]);
      }
      s_.agreed = out;
    });
    if (!met) return std::nullopt;
    std::lock_guard lock(s_.mutex);
    return s_.agreed;
  }

  std::optional<std::vector<std::optional<std::string>>> gather(const std::string& payload,
                                                                Clock::time_point) override {
    std::lock_guard lock(s_.mutex);
    s_.payloads[static_cast<size_t>(place_.rank)] = payload;
    s_.changed.notify_all();
    return std::vector<std::optional<std::string>>{};
  }

  [[noreturn]] void abort(int code) override { std::_Exit(code); }

 private:
  ThreadGroup::State& s_;
  RankPlace place_;
};

}  // namespace

ThreadGroup::ThreadGroup(int size, std::string host) : state_(std::make_unique<State>()) {
  state_->size = size;
  state_->host = std::move(host);
  state_->values.resize(static_cast<size_t>(size));
  state_->payloads.resize(static_cast<size_t>(size));
}

ThreadGroup::~ThreadGroup() = default;

std::unique_ptr<Comm> ThreadGroup::rank(int index) {
  return std::make_unique<ThreadComm>(*state_, index);
}

std::vector<std::optional<std::string>> ThreadGroup::collect(
    const std::function<Clock::time_point(const std::optional<std::vector<double>>&)>& deadline) {
  std::unique_lock lock(state_->mutex);
  auto all_in = [&] {
    for (const auto& p : state_->payloads) {
      if (!p) return false;
    }
    return true;
  };
  // Re-evaluated every wake-up: the deadline moves from the start-up one to the agreed one.
  while (!all_in() && Clock::now() < deadline(state_->agreed)) {
    state_->changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  return state_->payloads;
}

}  // namespace hashflop::fleet
