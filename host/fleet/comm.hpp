// What the fleet needs from its launcher: where this rank is, a barrier before each window,
// an agreement on the plan, and getting every rank's results to the root, each with a deadline
// so that one hung rank cannot hang the others.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hashflop::fleet {

using Clock = std::chrono::steady_clock;

struct RankPlace {
  int rank = 0, size = 1;
  int local_rank = 0, local_size = 1;  ///< among the ranks on this node
  std::string host;
};

/// One rank's view of the fleet. Every call is collective except abort.
class Comm {
 public:
  virtual ~Comm() = default;
  virtual const RankPlace& place() const = 0;
  /// Waits for every rank; false when the deadline passed first.
  virtual bool barrier(Clock::time_point deadline) = 0;
  /// The element-wise maximum over the ranks, or nullopt when the deadline passed first.
  virtual std::optional<std::vector<double>> max_all(const std::vector<double>& values,
                                                     Clock::time_point deadline) = 0;
  /// Sends `payload` to the root. On the root, returns one entry per rank (nullopt: nothing
  /// came by the deadline); elsewhere an empty vector, or nullopt when the send did not finish.
  virtual std::optional<std::vector<std::optional<std::string>>> gather(
      const std::string& payload, Clock::time_point deadline) = 0;
  /// Ends every rank of the job now with `code` (a hung rank cannot be joined).
  [[noreturn]] virtual void abort(int code) = 0;
};

/// Initializes MPI and returns this process's rank; nullptr in a build without MPI.
std::unique_ptr<Comm> open_mpi_comm(int* argc, char*** argv);

/// In-process ranks, one per thread, for --device all. The root is not one of them: it is the
/// caller of collect(), which waits for the ranks' gather() payloads.
class ThreadGroup {
 public:
  explicit ThreadGroup(int size, std::string host);
  ~ThreadGroup();
  std::unique_ptr<Comm> rank(int index);
  /// Waits for every rank's payload until deadline(the last max_all result, or nullopt before
  /// the ranks agreed), re-evaluated as they go; missing payloads are nullopt.
  std::vector<std::optional<std::string>> collect(
      const std::function<Clock::time_point(const std::optional<std::vector<double>>&)>& deadline);
  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace hashflop::fleet
