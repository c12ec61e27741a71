// The MPI launcher. Every collective is non-blocking and polled against a deadline, so a rank
// that hangs (a stuck kernel, a dead node) costs the others a timeout, not the job. Results
// travel point to point rather than through MPI_Gatherv: a gather completes for all ranks or
// for none, and the root must keep what the healthy ranks sent when one of them is missing.
//
// A collective cannot be cancelled. When its deadline passes, its request and every buffer it
// reads or writes move into the comm and stay alive until the process ends: a late rank's
// contribution then lands in live memory, never in freed memory. Such a comm cannot finalize
// (MPI_Finalize with a pending request is erroneous and may wait for the hung rank), so the
// protocol ends it: the root publishes, then tells every rank it is done, and a rank holding a
// pending request ends the job with MPI_Abort once it has heard that (or given up waiting).
#include <mpi.h>

#include <memory>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "fleet/comm.hpp"
#include "fleet/fleet.hpp"

namespace hashflop::fleet {
namespace {

constexpr int payload_tag = 7101;
constexpr int done_tag = 7102;

// Polls `request` until it completes (true) or `deadline` passes (false, still pending).
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

// One non-blocking operation and the memory MPI may touch until it completes.
struct Operation {
  MPI_Request request = MPI_REQUEST_NULL;
  std::vector<double> in, out;
  std::string bytes;
};

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
    if (!abandoned_.empty()) {
      // See the top of the file: the pending requests' memory must outlive MPI itself.
      MPI_Abort(MPI_COMM_WORLD, exit_code::failure);
      std::_Exit(exit_code::failure);
    }
    MPI_Comm_free(&node_);
    MPI_Finalize();
  }

  const RankPlace& place() const override { return place_; }

  bool barrier(Clock::time_point deadline) override {
    auto op = std::make_unique<Operation>();
    MPI_Ibarrier(MPI_COMM_WORLD, &op->request);
    return finish(std::move(op), deadline);
  }

  std::optional<std::vector<double>> max_all(const std::vector<double>& values,
                                             Clock::time_point deadline) override {
    auto op = std::make_unique<Operation>();
    op->in = values;
    op->out.resize(values.size());
    MPI_Iallreduce(op->in.data(), op->out.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                   MPI_MAX, MPI_COMM_WORLD, &op->request);
    if (!finish(std::move(op), deadline)) return std::nullopt;
    return std::move(last_result_);
  }

  std::optional<std::vector<std::optional<std::string>>> gather(
      const std::string& payload, Clock::time_point deadline) override {
    if (place_.rank != 0) {
      auto op = std::make_unique<Operation>();
      op->bytes = payload;
      MPI_Isend(op->bytes.data(), static_cast<int>(op->bytes.size()), MPI_CHAR, 0, payload_tag,
                MPI_COMM_WORLD, &op->request);
      if (!finish(std::move(op), deadline)) return std::nullopt;
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
      // Probed first, so this receive completes at once.
      MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, payload_tag, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      got[static_cast<size_t>(status.MPI_SOURCE)] = std::move(text);
      --missing;
    }
    return got;
  }

  void end(Clock::time_point deadline) override {
    if (place_.rank == 0) {
      // The root has published: every rank may go now.
      for (int r = 1; r < place_.size; ++r) {
        auto op = std::make_unique<Operation>();
        op->bytes = "done";
        MPI_Isend(op->bytes.data(), 4, MPI_CHAR, r, done_tag, MPI_COMM_WORLD, &op->request);
        finish(std::move(op), deadline);
      }
      return;
    }
    auto op = std::make_unique<Operation>();
    op->bytes.assign(4, '\0');
    MPI_Irecv(op->bytes.data(), 4, MPI_CHAR, 0, done_tag, MPI_COMM_WORLD, &op->request);
    finish(std::move(op), deadline);
  }

  bool broken() const override { return !abandoned_.empty(); }

  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this tells the compiler so
  }

 private:
  // Waits for `op`; on success keeps its result, on timeout keeps `op` itself, pending.
  bool finish(std::unique_ptr<Operation> op, Clock::time_point deadline) {
    if (wait(op->request, deadline)) {
      last_result_ = std::move(op->out);
      return true;
    }
    abandoned_.push_back(std::move(op));
    return false;
  }

  RankPlace place_;
  MPI_Comm node_ = MPI_COMM_NULL;
  std::vector<double> last_result_;
  std::vector<std::unique_ptr<Operation>> abandoned_;
};

}  // namespace

bool mpi_built() {
  return true;
}

std::unique_ptr<Comm> open_mpi_comm(int* argc, char*** argv) {
  return std::make_unique<MpiComm>(argc, argv);
}

}  // namespace hashflop::fleet
