// GEMM as a measured workload. The executor is prepared and the operand sets bound once,
// outside every window (PreparedGemm, the same sets `hashflop gemm` uses), so a window holds
// nothing but products.
#include <fmt/format.h>

#include "common/error.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_runner.hpp"
#include "tune/cpu_gemm_choice.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

using namespace hashflop::gemm;

class GemmWorkload final : public Workload {
 public:
  GemmWorkload(const GemmVariant& variant, Dtype dtype, int64_t size, unsigned threads,
               DeviceRef device, std::optional<GemmTuning> tuning)
      : variant_(variant) {
    req_.shape = {size, size, size};
    req_.dtype = dtype;
    req_.threads = threads;
    req_.device = device;
    if (tuning) {
      req_.blocking = tuning->blocking;
      selection_ = std::move(tuning->selection);
    }
  }

  WorkloadKind workload() const override { return WorkloadKind::gemm; }
  std::string variant() const override { return std::string(variant_.name); }
  std::string work_unit() const override { return "flop"; }
  DeviceRef device() const override { return req_.device; }
  std::optional<results::Selection> selection() const override { return selection_; }
  Record params() const override {
    return {{"dtype", dtype_name(req_.dtype)},
            {"impl", variant_.impl},
            {"m", req_.shape.m},
            {"n", req_.shape.n},
            {"k", req_.shape.k},
            {"flops_per_product", req_.shape.flops()},
            {"input_sets", gemm_ ? gemm_->sets() : 0},
            {"threads", req_.threads != 0 ? req_.threads : cpu::cpu_info().logical_cores},
            {"settings", gemm_ ? gemm_->executor().settings() : std::string()}};
  }

  void check() override {
    if (!gemm_ && !checked_) checked_ = check_fits(variant_, req_);
  }

  /// The first product of set 0 against fp64, before any window.
  Check verify() override {
    prepare();
    gemm_->run_once(0);
    return verdict_of(gemm_->check(0, 0x5eed), "");
  }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    prepare();
    auto& exec = gemm_->executor();
    const auto start = std::chrono::steady_clock::now();
    uint64_t products = 0;
    while (!stop) {
      exec.run(next_);
      last_ = next_;
      next_ = (next_ + 1) % gemm_->sets();
      ++products;
      // Asynchronous devices: keep the queue short so the deadline means something.
      if (products % 16 == 0) exec.synchronize();
      if (std::chrono::steady_clock::now() - start >= duration) break;
    }
    exec.synchronize();
    measured_ = measured_ || products > 0;
    return static_cast<double>(products) * req_.shape.flops();
  }

  /// The last product of the last window against fp64: beta is 0 here, so C holds A B of its
  /// set whatever ran on that set before.
  std::optional<Check> verify_measured() override {
    if (!measured_) return std::nullopt;
    return verdict_of(gemm_->check(last_, 0x7173), fmt::format("last product (set {}), ", last_));
  }

 private:
  void prepare() {
    if (gemm_) return;
    if (checked_) {
      gemm_.emplace(std::move(checked_), req_);
    } else {
      gemm_.emplace(variant_, req_);
    }
  }

  static Check verdict_of(const VerifyResult& v, const std::string& what) {
    return {v.verdict, fmt::format("{}{}: rel_error {:.3e} (tolerance {:.1e})", what, v.method,
                                   v.rel_error, v.tolerance)};
  }

  const GemmVariant& variant_;
  GemmRunRequest req_;
  std::optional<results::Selection> selection_;
  std::unique_ptr<GemmExecutor> checked_;  // prepared by check(), before the sets exist
  std::optional<PreparedGemm> gemm_;
  size_t next_ = 1;  // set 0 holds the verified product
  size_t last_ = 0;
  bool measured_ = false;
};

}  // namespace

std::unique_ptr<Workload> make_gemm(const GemmVariant& variant, Dtype dtype, int64_t size,
                                    unsigned threads, DeviceRef device,
                                    std::optional<GemmTuning> tuning) {
  if (variant.device != device.kind) {
    throw DeviceError(fmt::format("{} does not run on {}", variant.name, device.id()));
  }
  if (auto why = variant.unavailable(dtype); !why.empty()) throw DeviceError(why);
  return std::make_unique<GemmWorkload>(variant, dtype, size, threads, device, std::move(tuning));
}

std::vector<std::unique_ptr<Workload>> make_gemm_workloads(DeviceRef device, int64_t size,
                                                           unsigned threads,
                                                           std::span<const GemmVariant> registry,
                                                           const tune::TuneSettings* tuning) {
  std::vector<std::unique_ptr<Workload>> out;
  for (const auto& v : registry) {
    if (v.device != device.kind || !v.square) continue;
    for (const Dtype d : all_dtypes) {
      if (!v.unavailable(d).empty()) continue;
      std::optional<GemmTuning> blocking;
      if (v.tiled != nullptr && tuning != nullptr) {
        // Calibrated at the run's size, dtype and thread count, before any window.
        auto c = tune::choose_cpu_gemm_blocking(v, {size, size, size}, d, threads, std::nullopt,
                                                *tuning);
        blocking = GemmTuning{c.blocking, std::move(c.selection)};
      }
      out.push_back(make_gemm(v, d, size, threads, device, std::move(blocking)));
    }
  }
  return out;
}

}  // namespace hashflop::workload
