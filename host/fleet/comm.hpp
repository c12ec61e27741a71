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

/// `seconds` after `t`, saturating: a timeout of 1e300 s is "never", not an overflow of the
/// clock's nanoseconds into the past. A NaN or negative timeout is `t` itself.
inline Clock::time_point after(Clock::time_point t, double seconds) {
  if (!(seconds > 0)) return t;
  const double room = std::chrono::duration<double>(Clock::time_point::max() - t).count();
  if (seconds >= 0.999 * room) return Clock::time_point::max();  // margin for rounding
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

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
  /// The last call: the root says it has published, the others wait for that (until
  /// `deadline`), so no rank ends the job before the root has written its file.
  virtual void end(Clock::time_point /*deadline*/) {}
  /// Whether a call gave up on a rank at its deadline and left an operation pending: then the
  /// job must end with abort(), not a normal exit.
  virtual bool broken() const { return false; }
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
