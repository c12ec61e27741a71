// The MPI launcher. Every collective is non-blocking and polled against a deadline, so a rank
// that hangs (a stuck kernel, a dead node) costs the others a timeout, not the job. Results
// travel point to point rather than through MPI_Gatherv: a gather completes for all ranks or
// for none, and the root must keep what the healthy ranks sent when one of them is missing.
#include <mpi.h>

#include <thread>

#include "common/error.hpp"
#include "fleet/comm.hpp"
#include "fleet/fleet.hpp"

namespace hashflop::fleet {
namespace {

constexpr int payload_tag = 7101;

// Polls `request` until it completes (true) or `deadline` passes (false, left pending: the
// job ends soon after with MPI_Abort, which reclaims it).
bool wait(MPI_Request& request, Clock::time_point deadline) {
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return true;
    if (Clock::now() >= deadline) return false;
    // Short enough not to delay a window start noticeably, long enough not to steal a core.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

class MpiComm final : public Comm {
 public:
  MpiComm(int* argc, char*** argv) {
    int provided = 0;
    // Only the main thread calls MPI; workload threads never do.
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &place_.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &place_.size);
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, place_.rank, MPI_INFO_NULL, &node_);
    MPI_Comm_rank(node_, &place_.local_rank);
    MPI_Comm_size(node_, &place_.local_size);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int len = 0;
    MPI_Get_processor_name(name, &len);
    place_.host.assign(name, static_cast<size_t>(len));
  }
  ~MpiComm() override {
    MPI_Comm_free(&node_);
    MPI_Finalize();
  }

  const RankPlace& place() const override { return place_; }

  bool barrier(Clock::time_point deadline) override {
    MPI_Request r;
    MPI_Ibarrier(MPI_COMM_WORLD, &r);
    return wait(r, deadline);
  }

  std::optional<std::vector<double>> max_all(const std::vector<double>& values,
                                             Clock::time_point deadline) override {
    std::vector<double> out(values.size());
    MPI_Request r;
    MPI_Iallreduce(values.data(), out.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_MAX,
                   MPI_COMM_WORLD, &r);
    if (!wait(r, deadline)) return std::nullopt;
    return out;
  }

  std::optional<std::vector<std::optional<std::string>>> gather(
      const std::string& payload, Clock::time_point deadline) override {
    if (place_.rank != 0) {
      MPI_Request r;
      MPI_Isend(payload.data(), static_cast<int>(payload.size()), MPI_CHAR, 0, payload_tag,
                MPI_COMM_WORLD, &r);
      if (!wait(r, deadline)) return std::nullopt;
      return std::vector<std::optional<std::string>>{};
    }
    std::vector<std::optional<std::string>> got(static_cast<size_t>(place_.size));
    got[0] = payload;
    int missing = place_.size - 1;
    while (missing > 0 && Clock::now() < deadline) {
      int ready = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, payload_tag, MPI_COMM_WORLD, &ready, &status);
      if (!ready) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      int count = 0;
      MPI_Get_count(&status, MPI_CHAR, &count);
      std::string text(static_cast<size_t>(count), '\0');
      MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, payload_tag, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      got[static_cast<size_t>(status.MPI_SOURCE)] = std::move(text);
      --missing;
    }
    return got;
  }

  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this tells the compiler so
  }

 private:
  RankPlace place_;
  MPI_Comm node_ = MPI_COMM_NULL;
};

}  // namespace

bool mpi_built() {
  return true;
}

std::unique_ptr<Comm> open_mpi_comm(int* argc, char*** argv) {
  return std::make_unique<MpiComm>(argc, argv);
}

}  // namespace hashflop::fleet
