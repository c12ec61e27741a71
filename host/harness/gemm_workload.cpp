// GEMM as a measured workload. The executor is prepared and the operands bound once, outside
// every window, so a window holds nothing but products (run_gemm_for would regenerate the
// operands inside the window and charge their energy to the GEMM).
#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "common/error.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_runner.hpp"
#include "harness/workload.hpp"

namespace hashflop::harness {
namespace {

using namespace hashflop::gemm;

/// A GEMM check in the harness's words: `incorrect` is a failed run.
Verdict verdict_of(Verification v, std::string detail) {
  if (v == Verification::passed) return {"passed", std::move(detail)};
  if (v == Verification::incorrect) return {"failed", std::move(detail)};
  return {std::string(verification_name(v)), std::move(detail)};
}

class GemmWorkload final : public Workload {
 public:
  GemmWorkload(const GemmVariant& variant, Dtype dtype, int64_t size, unsigned threads,
               std::string device)
      : variant_(variant), device_(std::move(device)) {
    req_.shape = {size, size, size};
    req_.dtype = dtype;
    req_.threads = threads;
    req_.repetitions = 1;
  }

  std::string workload() const override { return "gemm"; }
  std::string variant() const override { return std::string(variant_.name); }
  std::string work_unit() const override { return "flop"; }
  nlohmann::json params() const override {
    return {{"dtype", dtype_name(req_.dtype)},
            {"impl", variant_.impl},
            {"m", req_.shape.m},
            {"n", req_.shape.n},
            {"k", req_.shape.k},
            {"flops_per_product", req_.shape.flops()},
            {"input_sets", sets_},
            {"threads", req_.threads != 0 ? req_.threads : cpu::cpu_info().logical_cores},
            {"settings", settings_}};
  }

  Verdict verify() override {
    const auto r = run_gemm(variant_, req_);
    settings_ = r.settings;
    std::string detail = fmt::format("{}: rel_error {:.3e} (tolerance {:.1e})", r.verify_method,
                                     r.rel_error, r.tolerance);
    if (!r.reason.empty()) detail += " " + r.reason;
    return verdict_of(r.verification, detail);
  }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    prepare();
    const auto start = std::chrono::steady_clock::now();
    uint64_t products = 0;
    while (!stop) {
      exec_->run(next_);
      last_ = next_;
      next_ = (next_ + 1) % views_.size();
      ++products;
      // Asynchronous devices: keep the queue short so the deadline means something.
      if (products % 16 == 0) exec_->synchronize();
      if (std::chrono::steady_clock::now() - start >= duration) break;
    }
    exec_->synchronize();
    measured_ = measured_ || products > 0;
    return static_cast<double>(products) * req_.shape.flops();
  }

  /// The last product of the last window against fp64: beta is 0 here, so C holds A B of its
  /// set whatever ran on that set before.
  std::optional<Verdict> verify_measured() override {
    if (!measured_ || req_.beta != 0.0f) return std::nullopt;
    exec_->fetch_c(last_);
    const auto v = verify_gemm(req_.shape, req_.dtype, req_.alpha, req_.beta, a_[last_], b_[last_],
                               {}, c_[last_], std::random_device{}());
    const std::string detail =
        fmt::format("last product (set {}), {}: rel_error {:.3e} (tolerance {:.1e})", last_,
                    v.method, v.rel_error, v.tolerance);
    return verdict_of(v.verdict, detail);
  }

 private:
  void prepare() {
    if (exec_) return;
    check_gemm_fits(req_);
    const auto& s = req_.shape;
    const uint64_t set_bytes = 4 * static_cast<uint64_t>(s.m * s.k + s.k * s.n + s.m * s.n);
    // Enough sets that together they exceed the last-level cache by half, at least two.
    const uint64_t l3 = std::max<uint64_t>(cpu::cpu_info().caches.l3, 32u << 20);
    sets_ = static_cast<int>(
        std::clamp<uint64_t>(l3 * 3 / 2 / std::max<uint64_t>(set_bytes, 1) + 1, 2, 64));
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int i = 0; i < sets_; ++i) {
      auto& a = a_.emplace_back(static_cast<size_t>(s.m * s.k));
      auto& b = b_.emplace_back(static_cast<size_t>(s.k * s.n));
      auto& c = c_.emplace_back(static_cast<size_t>(s.m * s.n), 0.0f);
      for (auto& x : a) x = dist(rng);
      for (auto& x : b) x = dist(rng);
      views_.push_back({a.data(), b.data(), c.data()});
    }
    exec_ = variant_.prepare({req_.shape, req_.dtype, req_.alpha, req_.beta, req_.threads});
    exec_->bind(views_);
    if (settings_.empty()) settings_ = exec_->settings();
  }

  const GemmVariant& variant_;
  std::string device_;
  GemmRunRequest req_;
  int sets_ = 0;
  std::string settings_;
  std::vector<std::vector<float>> a_, b_, c_;
  std::vector<HostOperands> views_;
  std::unique_ptr<GemmExecutor> exec_;
  size_t next_ = 0;
  size_t last_ = 0;
  bool measured_ = false;
};

}  // namespace

std::unique_ptr<Workload> make_gemm(const GemmVariant& variant, Dtype dtype, int64_t size,
                                    unsigned threads, std::string device_id) {
  if (auto why = variant.unavailable(dtype); !why.empty()) throw DeviceError(why);
  return std::make_unique<GemmWorkload>(variant, dtype, size, threads, std::move(device_id));
}

}  // namespace hashflop::harness
