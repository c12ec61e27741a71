// The transformer workload: one decoder layer's products per step (model/transformer_shapes.hpp)
// at one phase and batch, each on the GEMM path that measured fastest for its shape, with
// several distinct layer weight sets rotated so the weights stream from memory as a real
// model's do. Work is counted in model tokens: a step is one layer, so a token costs `layers`
// steps.
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "common/error.hpp"
#include "common/memory_budget.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_runner.hpp"
#include "model/model_footprint.hpp"
#include "results/model_presets_file.hpp"
#include "workload/transformer_products.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

using model::ModelPreset;
using model::Phase;
using model::ProductShape;

// Weight and KV sets are rotated until together they overflow the cache by half again (the GEMM
// workload's rule). A GPU's cache is taken as 128 MiB, at or above the L2 of every NVIDIA GPU
// hashflop targets (50 MB H100, 60 MB H200 ... 126 MB B200); one layer of every preset is larger.
constexpr uint64_t gpu_cache_bytes = uint64_t{128} << 20;
constexpr int max_layer_sets = 64;
// Scratch for the fp64 checks (sampled rows and columns, or full products up to
// gemm::full_check_limit multiply-adds) and the allocator's slack.
constexpr uint64_t check_scratch_bytes = uint64_t{256} << 20;

constexpr const char* scope_text =
    "linear layers (QKV, O, gate+up, down) and attention products (Q K^T and P V per sequence "
    "and KV head) of one decoder layer per step, times the model's layers; no norms, "
    "activations, rotary embeddings, softmax, embeddings or LM head, sampling or serving "
    "overhead, and prefill attention computed in full (no causal skipping): an upper bound on "
    "tokens/s and tokens/J, not a serving benchmark";

uint64_t cache_bytes_of(DeviceRef device) {
  if (device.kind == DeviceKind::cuda) return gpu_cache_bytes;
  const auto l3 = cpu::cpu_info().caches.l3;
  return l3 != 0 ? l3 : uint64_t{32} << 20;
}

int sets_to_overflow(uint64_t cache, uint64_t set_bytes, int at_least, int at_most) {
  const double n = std::ceil(1.5 * double(cache) / double(std::max<uint64_t>(set_bytes, 1)));
  return static_cast<int>(std::clamp(n, double(at_least), double(at_most)));
}

// The layer weight sets, shared by every phase of one model on one device, allocated when the
// first phase is verified.
class LayerWeights {
 public:
  LayerWeights(const ModelPreset& m, DeviceRef device, unsigned threads)
      : model_(m), threads_(threads) {
    wanted_ = sets_to_overflow(cache_bytes_of(device), set_bytes(), 2, max_layer_sets);
    sets_ = wanted_;
  }

  uint64_t set_bytes() const { return 4 * static_cast<uint64_t>(model_.layer_weight_elements()); }
  int sets() const { return sets_; }
  int wanted() const { return wanted_; }
  bool allocated() const { return !data_.empty(); }
  const std::string& note() const { return note_; }

  void limit_sets(int n, uint64_t needed, uint64_t available) {
    if (allocated() || n >= sets_) return;
    note_ = fmt::format(
        "{} layer weight sets wanted (to overflow the cache by half again), {} fit: the full "
        "plan needs {} bytes but {} are available",
        wanted_, n, needed, available);
    sets_ = n;
  }

  /// The B operands of weight product `p`, one span per set.
  std::vector<std::span<const float>> rotations(const ProductShape& p) {
    if (!allocated()) {
      for (int s = 0; s < sets_; ++s) {
        data_.emplace_back(static_cast<size_t>(model_.layer_weight_elements()));
        fill_random_parallel(data_.back(), 0x3e1647 + static_cast<uint64_t>(s), threads_);
      }
    }
    const auto products = model::layer_products(model_, model::decode_phase(1, 1));
    size_t offset = 0;
    for (const auto& q : products) {
      if (!q.weight) continue;
      const size_t size = static_cast<size_t>(q.k * q.n);
      if (q.name == p.name) {
        std::vector<std::span<const float>> out;
        for (const auto& set : data_)
          out.push_back(std::span<const float>(set).subspan(offset, size));
        return out;
      }
      offset += size;
    }
    throw Error(fmt::format("{} is not a weight product", p.name));
  }

 private:
  ModelPreset model_;
  unsigned threads_;
  int wanted_ = 2, sets_ = 2;
  std::string note_;
  std::vector<std::vector<float>> data_;
};

class TransformerWorkload final : public Workload {
 public:
  TransformerWorkload(std::shared_ptr<LayerWeights> weights, const ModelPreset& m, Phase phase,
                      gemm::Dtype dtype, DeviceRef device, unsigned threads)
      : weights_(std::move(weights)),
        model_(m),
        phase_(phase),
        dtype_(dtype),
        device_(device),
        threads_(threads != 0 ? threads : cpu::cpu_info().logical_cores),
        products_(model::layer_products(m, phase)) {
    const auto& qk = products_.at(1);
    constexpr std::string_view what = "the KV cache's bytes";
    kv_set_bytes_ = static_cast<uint64_t>(
        checked_mul(checked_mul(checked_mul(qk.count, qk.k, what), qk.n, what), 2 * 4, what));
  }

  WorkloadKind workload() const override { return WorkloadKind::transformer; }
  std::string variant() const override { return phase_.name(); }
  std::string work_unit() const override { return "token"; }
  DeviceRef device() const override { return device_; }

  Record params() const override {
    const int eb = gemm::element_bytes(dtype_);
    const auto cost = model::step_cost(products_, eb);
    const double per_token = double(model_.layers) / double(phase_.tokens_per_step());
    Record j = {{"model", model_.name},
                {"model_source", model_.source},
                {"phase", phase_.kind_name()},
                {"batch", phase_.batch},
                {"tokens_per_sequence", phase_.tokens},
                {"context", phase_.context},
                {"tokens_per_step", phase_.tokens_per_step()},
                {"layers", model_.layers},
                {"dtype", gemm::dtype_name(dtype_)},
                {"threads", threads_},
                {"layer_sets", weights_->sets()},
                {"layer_sets_wanted", weights_->wanted()},
                {"kv_sets", kv_sets()},
                {"flops_per_token", cost.flops * per_token},
                {"bytes_per_token", cost.bytes * per_token},
                {"weight_bytes_per_token", cost.weight_bytes * per_token},
                {"kv_bytes_per_token", cost.kv_bytes * per_token},
                {"scope", scope_text}};
    if (!weights_->note().empty()) j.set("layer_sets_note", weights_->note());
    if (footprint_) {
      j.set("model_weight_bytes", footprint_->weight_bytes);
      j.set("model_kv_cache_bytes", footprint_->kv_cache_bytes);
      j.set("device_memory_bytes", footprint_->memory_bytes);
      j.set("model_fit", model::model_fit_name(footprint_->fit));
      if (footprint_->fit != model::ModelFit::fits)
        j.set("model_fit_note", footprint_->note(model_.name, device_.id()));
    }
    Value::List list;
    double peak = 0;
    int64_t launches = 0;
    for (const auto& r : runners_) {
      list.push_back(to_record(r->describe()));
      launches += r->launches_per_pass();
      if (r->chosen().seconds > 0) peak = std::max(peak, r->shape().flops() / r->chosen().seconds);
    }
    if (!runners_.empty()) j.set("launches_per_layer", launches);
    // What this run chose and measured goes under "settings", which compare leaves out of the
    // key that pairs runs: the same request pairs whatever path won.
    Record settings{{"products", std::move(list)}};
    if (peak > 0) settings.set("peak_product_flops_per_second", peak);
    j.set("settings", std::move(settings));
    return j;
  }

  // Before anything is allocated: the weights, the KV sets and every product's A and C must
  // fit. Fewer layer sets are tried before giving up, and the results file says so.
  void check() override {
    // Whether the device could hold the whole model at this phase: not needed to run one layer,
    // but the per-token rates describe the whole model, so the results say when it could not.
    const uint64_t device_memory = device_.kind == DeviceKind::cuda
                                       ? gemm::cuda_device_memory_bytes(device_.index)
                                       : memory_budget().bytes;
    footprint_ = model::model_footprint(model_, phase_, gemm::element_bytes(dtype_), device_memory);
    uint64_t phase_bytes = check_scratch_bytes + uint64_t(kv_sets()) * kv_set_bytes_;
    for (const auto& p : products_) phase_bytes += ProductRunner::own_bytes(p);
    const uint64_t available = gemm::available_memory_bytes();
    const uint64_t set = weights_->set_bytes();
    const auto needed = [&](int sets) { return phase_bytes + set * uint64_t(sets); };
    if (needed(weights_->sets()) <= available) return;
    if (needed(1) > available) {
      throw UsageError(fmt::format(
          "transformer {} {}: too large for memory: needs {} bytes ({:.1f} GiB: one layer "
          "weight set of {} bytes, KV cache and activations of {} bytes), but only {} bytes "
          "({:.1f} GiB) are available",
          model_.name, phase_.name(), needed(1), double(needed(1)) / double(1u << 30), set,
          phase_bytes, available, double(available) / double(1u << 30)));
    }
    const auto fit = static_cast<int>(
        std::min<uint64_t>((available - phase_bytes) / set, uint64_t(weights_->sets())));
    weights_->limit_sets(fit, needed(weights_->sets()), available);
  }

  // Chooses each product's path, runs one layer and checks every product against fp64.
  Check verify() override {
    prepare();
    step(0);
    return check_all(0, "");
  }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    prepare();
    const auto start = std::chrono::steady_clock::now();
    uint64_t steps = 0;
    while (!stop) {
      step(next_);
      last_ = next_++;
      ++steps;
      if (std::chrono::steady_clock::now() - start >= duration) break;
    }
    measured_ = measured_ || steps > 0;
    return double(steps) * double(phase_.tokens_per_step()) / double(model_.layers);
  }

  // The last measured layer's products against fp64, then the phase's buffers go back (the
  // weights stay for the next phase).
  std::optional<Check> verify_measured() override {
    if (!measured_) return std::nullopt;
    auto c = check_all(last_, fmt::format("last layer (step {}): ", last_));
    runners_.clear();
    kv_.clear();
    return c;
  }

 private:
  int kv_sets() const {
    return sets_to_overflow(cache_bytes_of(device_), kv_set_bytes_, 1, weights_->sets());
  }

  void prepare() {
    if (!runners_.empty()) return;
    const auto& qk = products_.at(1);
    const size_t per_operand = static_cast<size_t>(qk.count * qk.k * qk.n);
    for (int s = 0; s < kv_sets(); ++s) {
      kv_.emplace_back(2 * per_operand);
      fill_random_parallel(kv_.back(), 0x6b76 + static_cast<uint64_t>(s), threads_);
    }
    uint64_t seed = 0xa7;
    for (const auto& p : products_) {
      std::vector<std::span<const float>> b;
      if (p.weight) {
        b = weights_->rotations(p);
      } else {
        // K^T (head_dim x context) then V (context x head_dim) per sequence and KV head.
        const size_t offset = p.name == "attn_qk" ? 0 : per_operand;
        for (const auto& set : kv_)
          b.push_back(std::span<const float>(set).subspan(offset, per_operand));
      }
      runners_.push_back(
          std::make_unique<ProductRunner>(p, dtype_, device_, threads_, std::move(b), seed++));
      runners_.back()->select(gemm::gemm_variants());
    }
  }

  // One decoder layer: every product in order, each finished before the next starts, as the
  // data dependencies of a real layer would have it.
  // On a GPU the products queue on the device's one stream, in this order, and the host waits
  // once, at the end of the layer.
  void step(uint64_t index) {
    for (auto& r : runners_) r->run(static_cast<size_t>(index % r->rotations()));
    for (auto& r : runners_) r->synchronize();
  }

  Check check_all(uint64_t index, const std::string& what) {
    Verdict verdict = Verdict::passed;
    std::string detail = what;
    for (auto& r : runners_) {
      const auto v = r->check(static_cast<size_t>(index % r->rotations()), 0xc4ec + index);
      if (v.verdict != Verdict::passed && verdict == Verdict::passed) verdict = v.verdict;
      if (is_failure(v.verdict)) verdict = v.verdict;
      detail += fmt::format("{}{} {}: {} rel_error {:.2e} (tol {:.1e})",
                            detail.size() > what.size() ? "; " : "", r->shape().name,
                            r->chosen().variant, v.method, v.rel_error, v.tolerance);
    }
    return {verdict, detail};
  }

  std::shared_ptr<LayerWeights> weights_;
  ModelPreset model_;
  Phase phase_;
  gemm::Dtype dtype_;
  DeviceRef device_;
  unsigned threads_;
  std::vector<ProductShape> products_;
  uint64_t kv_set_bytes_ = 0;
  std::optional<model::ModelFootprint> footprint_;  // from check()
  std::vector<std::vector<float>> kv_;
  std::vector<std::unique_ptr<ProductRunner>> runners_;
  uint64_t next_ = 1, last_ = 0;  // step 0 is the verified one
  bool measured_ = false;
};

}  // namespace

std::vector<std::unique_ptr<Workload>> make_transformer_workloads(DeviceRef device,
                                                                  const ModelPreset& m,
                                                                  const std::vector<Phase>& phases,
                                                                  unsigned threads) {
  // bf16 on a GPU as models are served; fp32 on a CPU, whose GEMM variants compute fp32 only.
  const gemm::Dtype dtype = device.kind == DeviceKind::cuda ? gemm::Dtype::bf16 : gemm::Dtype::fp32;
  auto weights = std::make_shared<LayerWeights>(m, device, threads);
  std::vector<std::unique_ptr<Workload>> out;
  out.push_back(device.kind == DeviceKind::cuda ? make_cuda_memcopy(device.index)
                                                : make_memcopy(threads));
  for (const auto& phase : phases) {
    out.push_back(std::make_unique<TransformerWorkload>(weights, m, phase, dtype, device, threads));
  }
  return out;
}

std::vector<std::unique_ptr<Workload>> make_transformer_workloads(DeviceRef device,
                                                                  const TransformerPlan& plan,
                                                                  unsigned threads) {
  return make_transformer_workloads(device, results::find_model(plan.model), plan.phases, threads);
}

}  // namespace hashflop::workload
