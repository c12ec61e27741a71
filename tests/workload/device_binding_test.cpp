// A workload built for a device carries that device all the way down to the executor, so GEMM
// on cuda:1 runs (and is metered) on cuda:1, not on whatever device the thread had current.
// No GPU is needed: a stand-in CUDA variant records the device its executor is prepared for.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "gemm/gemm_variants.hpp"
#include "workload/workload.hpp"

namespace hashflop {
namespace {

// What the stand-in variant's executors were prepared for, in order.
std::vector<DeviceRef>& prepared_on() {
  static std::vector<DeviceRef> devices;
  return devices;
}

// A correct host-side product, so the workload's checks pass and it can be measured.
class RecordingExecutor final : public gemm::GemmExecutor {
 public:
  explicit RecordingExecutor(const gemm::GemmProblemSpec& spec) : spec_(spec) {}
  void bind(std::span<const gemm::HostOperands> sets) override {
    sets_.assign(sets.begin(), sets.end());
  }
  void run(size_t index) override {
    const auto& s = spec_.shape;
    const auto& o = sets_.at(index);
    for (int64_t i = 0; i < s.m; ++i) {
      for (int64_t j = 0; j < s.n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < s.k; ++p) acc += double{o.a[i * s.k + p]} * o.b[p * s.n + j];
        o.c[i * s.n + j] = static_cast<float>(acc);
      }
    }
  }
  uint64_t cache_bytes() const override { return 1 << 20; }

 private:
  gemm::GemmProblemSpec spec_;
  std::vector<gemm::HostOperands> sets_;
};

const gemm::GemmVariant kStandIn{
    "stand-in",
    "tiled",
    DeviceKind::cuda,
    "records its device",
    gemm::dtype_bit(gemm::Dtype::fp32),
    nullptr,
    [](const gemm::GemmProblemSpec& spec) -> std::unique_ptr<gemm::GemmExecutor> {
      prepared_on().push_back(spec.device);
      return std::make_unique<RecordingExecutor>(spec);
    }};

TEST(DeviceBinding, AGemmWorkloadBuiltForCuda1PreparesItsExecutorOnCuda1) {
  prepared_on().clear();
  const DeviceRef cuda1{DeviceKind::cuda, 1};
  auto work = workload::make_gemm_workloads(cuda1, 24, 1, std::span(&kStandIn, 1));
  ASSERT_EQ(work.size(), 1u);  // one variant, one dtype it takes
  EXPECT_EQ(work[0]->device(), cuda1);
  EXPECT_EQ(work[0]->verify().verdict, Verdict::passed);
  std::atomic<bool> stop{false};
  EXPECT_GT(work[0]->run(std::chrono::milliseconds(5), stop), 0.0);
  ASSERT_EQ(prepared_on().size(), 1u);  // prepared once, for the checks and the windows alike
  EXPECT_EQ(prepared_on()[0], cuda1);
}

TEST(DeviceBinding, AVariantOfAnotherDeviceKindIsNotHandedOut) {
  const DeviceRef cpu{DeviceKind::cpu, 0};
  EXPECT_TRUE(workload::make_gemm_workloads(cpu, 24, 1, std::span(&kStandIn, 1)).empty());
  EXPECT_THROW(workload::make_gemm(kStandIn, gemm::Dtype::fp32, 24, 1, cpu), Error);
}

}  // namespace
}  // namespace hashflop
