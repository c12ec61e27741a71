// sha256d on a CUDA device as a measured workload: the autotuned kernel and geometry, mining
// for the whole window through run_for (BIP 320 version rolls keep every nonce fresh).
#include <fmt/format.h>

#include "bitcoin/target.hpp"
#include "common/error.hpp"
#include "common/periodic_thread.hpp"
#include "mine/cuda_autotune.hpp"
#include "mine/cuda_search.hpp"
#include "mine/known_headers.hpp"
#include "mine/known_nonces.hpp"
#include "mine/launch_name.hpp"
#include "tune/cuda_sha256d_choice.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

class CudaSha256d final : public Workload {
 public:
  CudaSha256d(int device, const tune::TuneSettings& settings)
      : device_(device), base_(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex)) {
    // Kernel and geometry from wisdom, else autotuned on the header this workload searches;
    // either way before the idle baseline and every window.
    auto c = tune::choose_cuda_sha256d(
        device_,
        sha256d::make_job(base_.bytes().data(), bitcoin::target_from_bits(base_.bits()).top_word()),
        0, cuda::all_kernels(), "", settings);
    geometry_ = c.geometry;
    selection_ = std::move(c.selection);
  }
  WorkloadKind workload() const override { return WorkloadKind::sha256d; }
  std::string variant() const override { return geometry_.kernel->name; }
  std::string work_unit() const override { return "hash"; }
  DeviceRef device() const override { return {DeviceKind::cuda, device_}; }
  Record params() const override {
    return {{"geometry", geometry_.label()},
            {"header", "genesis block, BIP 320 version rolled"},
            {"target_bits", fmt::format("{:08x}", base_.bits())}};
  }
  // The known nonces with this workload's own kernel and geometry, cut to each range.
  Check verify() override {
    return verify_known_nonces(
        [this](const MineRequest& r) {
          return cuda::search_range(device_, r, cuda::fit_to_range(device_, geometry_, r.count));
        },
        variant());
  }
  std::optional<results::Selection> selection() const override { return selection_; }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    std::atomic<bool> cancel{false};
    MineRequest req(base_);
    req.start = 0;
    req.count = nonce_space;
    req.target = bitcoin::target_from_bits(base_.bits());
    req.cancel = &cancel;
    // run_for keeps the deadline itself; this thread only passes a stop request on.
    PeriodicThread relay(std::chrono::milliseconds(5), [&stop, &cancel] {
      if (stop) cancel = true;
      return !cancel;
    });
    const auto r = cuda::run_for(device_, req, duration, geometry_);
    cancel = true;
    if (r.mismatches != 0) {
      throw Error(fmt::format("sha256d {}: {} candidates failed the scalar re-check", variant(),
                              r.mismatches));
    }
    return static_cast<double>(r.nonces_tried);
  }

 private:
  int device_;
  bitcoin::BlockHeader base_;
  std::optional<results::Selection> selection_;
  cuda::LaunchGeometry geometry_;
};

}  // namespace

std::unique_ptr<Workload> make_cuda_sha256d(int device, const tune::TuneSettings& settings) {
  return std::make_unique<CudaSha256d>(device, settings);
}

}  // namespace hashflop::workload
