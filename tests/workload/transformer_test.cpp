// The transformer workload's products against fp64 on every GEMM path of the device, at sizes
// that are multiples of no tile; and the workload end to end on a small made-up model.
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "gemm/gemm_variants.hpp"
#include "results/model_presets_file.hpp"
#include "workload/transformer_products.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

// Odd everywhere: hidden 45 against 6 heads of 7 (q_dim 42), 2 KV heads, intermediate 77.
model::ModelPreset tiny_model() {
  model::ModelPreset m;
  m.name = "tiny";
  m.source = "made up for tests";
  m.hidden = 45;
  m.intermediate = 77;
  m.layers = 3;
  m.heads = 6;
  m.kv_heads = 2;
  m.head_dim = 7;
  return m;
}

struct Operands {
  std::vector<std::vector<float>> b;
  std::vector<std::span<const float>> views;
};

Operands b_sets(const model::ProductShape& s, int rotations) {
  Operands o;
  for (int r = 0; r < rotations; ++r) {
    o.b.emplace_back(static_cast<size_t>(s.count * s.k * s.n));
    fill_random_parallel(o.b.back(), 100 + r, 2);
  }
  for (const auto& b : o.b) o.views.emplace_back(b);
  return o;
}

// Shapes off every register and cache tile: 1 row, odd sizes, many small products.
const model::ProductShape shapes[] = {
    {"odd", 7, 13, 37, 1, true},   {"one_row", 1, 83, 29, 1, true}, {"pairs", 5, 19, 11, 6, false},
    {"deep", 3, 9, 301, 4, false}, {"wide", 37, 131, 17, 1, true},
};

void expect_every_path_matches_fp64(DeviceKind kind, gemm::Dtype dtype) {
  int paths = 0;
  for (const auto& v : gemm::gemm_variants()) {
    if (v.device != kind || !v.unavailable(dtype).empty()) continue;
    for (const auto& s : shapes) {
      for (const unsigned threads : {1u, 2u}) {
        auto ops = b_sets(s, 2);
        ProductRunner r(s, dtype, {kind, 0}, threads, ops.views, 7);
        r.use(v);
        // cuBLAS computes every sequence and KV head of a pass in one strided-batched call.
        if (kind == DeviceKind::cuda && v.impl == "vendor") {
          EXPECT_EQ(r.launches_per_pass(), 1) << v.name << " " << s.name;
        }
        for (size_t rot : {size_t{0}, size_t{1}}) {
          r.run(rot);
          const auto check = r.check(rot, 11);
          EXPECT_EQ(check.verdict, Verdict::passed)
              << v.name << " " << s.name << " threads " << threads << " rotation " << rot
              << ": rel_error " << check.rel_error << " tol " << check.tolerance;
        }
      }
    }
    ++paths;
  }
  EXPECT_GT(paths, 0) << "no path computes " << gemm::dtype_name(dtype);
}

TEST(TransformerProducts, EveryCpuPathMatchesFp64OnOddShapesAndRotations) {
  expect_every_path_matches_fp64(DeviceKind::cpu, gemm::Dtype::fp32);
}

TEST(TransformerProducts, EveryCudaPathMatchesFp64OnOddShapesAndRotations) {
  if (const auto why = cuda_unavailable_reason()) GTEST_SKIP() << "no CUDA device: " << *why;
  expect_every_path_matches_fp64(DeviceKind::cuda, gemm::Dtype::bf16);
}

TEST(TransformerProducts, AnUnwrittenResultFailsItsCheck) {
  const model::ProductShape s{"pairs", 5, 19, 11, 6, false};
  auto ops = b_sets(s, 1);
  ProductRunner r(s, gemm::Dtype::fp32, {DeviceKind::cpu, 0}, 2, ops.views, 7);
  r.use(*gemm::find_gemm_variant("openblas"));
  EXPECT_TRUE(is_failure(r.check(0, 1).verdict));  // C is still the NaN poison
}

TEST(TransformerProducts, SelectionTimesEveryCpuCandidateAndKeepsTheFastest) {
  const model::ProductShape s{"odd", 7, 13, 37, 1, true};
  auto ops = b_sets(s, 2);
  ProductRunner r(s, gemm::Dtype::fp32, {DeviceKind::cpu, 0}, 2, ops.views, 7);
  r.select(gemm::gemm_variants());
  double fastest = 0;
  int timed = 0;
  for (const auto& c : r.candidates()) {
    if (!c.reason.empty()) continue;
    ++timed;
    EXPECT_GT(c.seconds, 0) << c.variant;
    if (fastest == 0 || c.seconds < fastest) fastest = c.seconds;
  }
  EXPECT_GE(timed, 1);
  EXPECT_EQ(r.chosen().seconds, fastest);
  r.run(1);
  EXPECT_EQ(r.check(1, 3).verdict, Verdict::passed);
  EXPECT_EQ(r.describe().chosen.variant, r.chosen().variant);
  EXPECT_EQ(hashflop::workload::to_record(r.describe()).text("variant"), r.chosen().variant);
}

TEST(TransformerWorkload, SmallModelVerifiesRunsAndCountsModelTokens) {
  const auto m = tiny_model();
  const std::vector<model::Phase> phases{model::prefill_phase(2, 5), model::decode_phase(3, 11)};
  auto work = make_transformer_workloads({DeviceKind::cpu, 0}, m, phases, 2);
  ASSERT_EQ(work.size(), 3u);  // the memory copy, then one per phase
  EXPECT_EQ(work[0]->variant(), "memcopy");
  EXPECT_EQ(work[1]->variant(), "prefill-2x5");
  EXPECT_EQ(work[2]->variant(), "decode-b3-ctx11");
  for (auto& w : work) w->check();
  const std::atomic<bool> stop{false};
  for (size_t i = 1; i < work.size(); ++i) {
    auto& w = *work[i];
    const auto before = w.verify();
    EXPECT_EQ(before.verdict, Verdict::passed) << before.detail;
    const auto p = w.params();
    EXPECT_EQ(p.text("model"), "tiny");
    EXPECT_EQ(p.number("layers"), 3.0);
    EXPECT_GE(p.number("layer_sets").value_or(0), 2);
    ASSERT_TRUE(p.find("settings") && p.find("settings")->record());
    const auto* products = p.find("settings")->record()->find("products");
    ASSERT_TRUE(products && products->list());
    EXPECT_EQ(products->list()->size(), 6u);
    EXPECT_GT(p.number("flops_per_token").value_or(0), 0);
    EXPECT_GT(p.number("bytes_per_token").value_or(0), 0);
    const double work_done = w.run(std::chrono::milliseconds(20), stop);
    // Whole layers only: work x layers / tokens per step is a whole number of steps.
    const double steps = work_done * 3 / *p.number("tokens_per_step");
    EXPECT_GE(steps, 1);
    EXPECT_NEAR(steps, std::round(steps), 1e-9);
    const auto after = w.verify_measured();
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->verdict, Verdict::passed) << after->detail;
  }
}

TEST(TransformerWorkload, MemoryCopyVerifiesByteForByte) {
  auto copy = make_memcopy(2);
  EXPECT_EQ(copy->work_unit(), "byte");
  EXPECT_EQ(copy->verify().verdict, Verdict::passed);
  const std::atomic<bool> stop{false};
  EXPECT_GT(copy->run(std::chrono::milliseconds(1), stop), 0);
  EXPECT_EQ(copy->verify_measured()->verdict, Verdict::passed);
}

TEST(TransformerWorkload, GpuMemoryCopyVerifiesByteForByte) {
  if (const auto why = cuda_unavailable_reason()) GTEST_SKIP() << "no CUDA device: " << *why;
  auto work = make_transformer_workloads({DeviceKind::cuda, 0}, tiny_model(),
                                         {model::decode_phase(1, 4)}, 1);
  auto& copy = *work.at(0);
  EXPECT_EQ(copy.variant(), "memcopy");
  EXPECT_EQ(copy.device(), (DeviceRef{DeviceKind::cuda, 0}));
  copy.check();
  EXPECT_EQ(copy.verify().verdict, Verdict::passed);
  const std::atomic<bool> stop{false};
  EXPECT_GT(copy.run(std::chrono::milliseconds(1), stop), 0);
  EXPECT_EQ(copy.verify_measured()->verdict, Verdict::passed);
}

TEST(TransformerWorkload, UnknownModelIsAUsageErrorListingPresets) {
  TransformerPlan plan;
  plan.model = "llama-9";
  try {
    make_transformer_workloads({DeviceKind::cpu, 0}, plan, 1);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("llama-3.2-1b"), std::string::npos) << e.what();
  }
}

TEST(TransformerWorkload, KvCacheBeyondMemoryIsRefusedBeforeAllocationWithTheBytes) {
  const std::vector<model::Phase> phases{model::decode_phase(1 << 20, 1 << 20)};
  auto work = make_transformer_workloads({DeviceKind::cpu, 0}, tiny_model(), phases, 1);
  try {
    work[1]->check();
    FAIL() << "no error";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("too large for memory"), std::string::npos) << what;
    EXPECT_NE(what.find("available"), std::string::npos) << what;
  }
}

TEST(TransformerProducts, DecodeAttentionAtBatch256IsTwoBatchedLaunchesPerLayerNot4096) {
  // llama-3.2-1b at batch 256, context 2048: 256 sequences x 8 KV heads per attention product.
  const auto products =
      model::layer_products(results::find_model("llama-3.2-1b"), model::decode_phase(256, 2048));
  ASSERT_EQ(products.at(1).name, "attn_qk");
  EXPECT_EQ(products.at(1).count, 2048);
  EXPECT_EQ(products.at(2).count, 2048);
  // One launch per sub-product: 4,096 for attention, plus the four linear layers.
  EXPECT_EQ(layer_launches(products, 1), 4096 + 4);
  // A strided batch (cuBLAS's max_batch()): one per product, whatever the batch.
  EXPECT_EQ(layer_launches(products, INT_MAX), 6);
  for (const int64_t batch : {1, 8, 64, 1024}) {
    EXPECT_EQ(layer_launches(model::layer_products(results::find_model("llama-3.2-1b"),
                                                   model::decode_phase(batch, 2048)),
                             INT_MAX),
              6)
        << "batch " << batch;
  }
}

TEST(TransformerProducts, ACpuPassIsOneCallPerSubProduct) {
  const model::ProductShape s{"pairs", 5, 19, 11, 6, false};
  auto ops = b_sets(s, 1);
  ProductRunner r(s, gemm::Dtype::fp32, {DeviceKind::cpu, 0}, 1, ops.views, 7);
  r.use(*gemm::find_gemm_variant("openblas"));
  EXPECT_EQ(r.launches_per_pass(), 6);
  EXPECT_EQ(to_record(r.describe()).number("launches_per_pass"), 6.0);
}

// A stand-in path that computes every sub-product but the middle one, as a batched launch with
// a wrong stride or count might: the check must look past the first and last.
class SkipsMiddle final : public gemm::GemmExecutor {
 public:
  explicit SkipsMiddle(const gemm::GemmProblemSpec& spec) : shape_(spec.shape) {}
  void bind(std::span<const gemm::HostOperands> sets) override {
    sets_.assign(sets.begin(), sets.end());
  }
  void run(size_t index) override {
    if (index == 3) return;  // of 7: the middle
    const auto& o = sets_.at(index);
    const auto m = size_t(shape_.m), n = size_t(shape_.n), k = size_t(shape_.k);
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < n; ++j) {
        double sum = 0;
        for (size_t p = 0; p < k; ++p) sum += double(o.a[i * k + p]) * double(o.b[p * n + j]);
        o.c[i * n + j] = static_cast<float>(sum);
      }
  }

 private:
  gemm::GemmShape shape_;
  std::vector<gemm::HostOperands> sets_;
};

const gemm::GemmVariant skips_middle{
    "skips-middle",
    "tiled",
    DeviceKind::cpu,
    "test stand-in",
    gemm::dtype_bit(gemm::Dtype::fp32),
    nullptr,
    [](const gemm::GemmProblemSpec& spec) -> std::unique_ptr<gemm::GemmExecutor> {
      return std::make_unique<SkipsMiddle>(spec);
    }};

TEST(TransformerProducts, TheCheckCatchesAnUnwrittenMiddleSubProduct) {
  const model::ProductShape s{"pairs", 5, 19, 11, 7, false};
  auto ops = b_sets(s, 1);
  ProductRunner r(s, gemm::Dtype::fp32, {DeviceKind::cpu, 0}, 1, ops.views, 7);
  r.use(skips_middle);
  r.run(0);
  EXPECT_TRUE(is_failure(r.check(0, 1).verdict));
}

TEST(TransformerWorkload, ResultsSayWhetherTheWholeModelFitsBesideTheRates) {
  const std::vector<model::Phase> phases{model::decode_phase(2, 9)};
  for (const bool huge : {false, true}) {
    auto m = tiny_model();
    // One layer stays tiny, so the run is cheap; 10^12 of them are petabytes of weights.
    if (huge) m.layers = 1'000'000'000'000;
    auto work = make_transformer_workloads({DeviceKind::cpu, 0}, m, phases, 1);
    ASSERT_EQ(work.size(), 2u);
    work[1]->check();
    ASSERT_EQ(work[1]->verify().verdict, Verdict::passed);
    const auto p = work[1]->params();
    EXPECT_GT(p.number("device_memory_bytes").value_or(0), 0);
    EXPECT_GT(p.number("model_weight_bytes").value_or(0), 0);
    EXPECT_GT(p.number("model_kv_cache_bytes").value_or(0), 0);
    // The CPU's products: one call per sub-product (2 sequences x 2 KV heads), four linear.
    EXPECT_EQ(p.number("launches_per_layer"), 4.0 + 2 * 4);
    if (huge) {
      EXPECT_EQ(p.text("model_fit"), "weights_do_not_fit");
      EXPECT_NE(p.text("model_fit_note").find("tiny's weights"), std::string::npos)
          << p.text("model_fit_note");
      EXPECT_NE(p.text("model_fit_note").find("do not fit cpu's"), std::string::npos)
          << p.text("model_fit_note");
    } else {
      EXPECT_EQ(p.text("model_fit"), "fits");
      EXPECT_EQ(p.find("model_fit_note"), nullptr);
    }
  }
}

}  // namespace
}  // namespace hashflop::workload
