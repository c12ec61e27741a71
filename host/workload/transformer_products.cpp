#include "workload/transformer_products.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/measure.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/device_operand_layout.hpp"

namespace hashflop::workload {
namespace {

// Candidates are timed for at least this long (or one pass, when a pass is longer): enough
// passes to get past one-off page faults, short enough that choosing costs a few seconds.
constexpr double min_timing_seconds = 0.05;
constexpr double max_timing_seconds = 0.3;

// Chunks filled by one seed each: 4 MiB of floats, so a large weight set splits over threads.
constexpr size_t fill_chunk = size_t{1} << 20;

size_t idx(int64_t v) {
  return static_cast<size_t>(v);
}

}  // namespace

void fill_random_parallel(std::span<float> out, uint64_t seed, unsigned threads) {
  const size_t chunks = (out.size() + fill_chunk - 1) / fill_chunk;
  const size_t workers = std::clamp<size_t>(threads, 1, std::max<size_t>(chunks, 1));
  auto fill = [&](size_t w) {
    for (size_t c = w; c < chunks; c += workers) {
      const size_t from = c * fill_chunk, n = std::min(fill_chunk, out.size() - from);
      gemm::fill_random(out.subspan(from, n), seed * 0x9e3779b97f4a7c15ull + c);
    }
  };
  std::vector<std::jthread> pool;
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(fill, w);
  fill(0);
}

int64_t layer_launches(const std::vector<model::ProductShape>& products, int64_t max_batch) {
  int64_t n = 0;
  for (const auto& p : products) n += gemm::launches_for(p.count, max_batch);
  return n;
}

ProductRunner::ProductRunner(const model::ProductShape& shape, gemm::Dtype dtype, DeviceRef device,
                             unsigned threads, std::vector<std::span<const float>> b_rotations,
                             uint64_t seed)
    : shape_(shape),
      dtype_(dtype),
      device_(device),
      threads_(threads != 0 ? threads : cpu::cpu_info().logical_cores),
      b_(std::move(b_rotations)) {
  if (b_.empty()) throw Error(fmt::format("{}: no B operands", shape_.name));
  const size_t kn = idx(shape_.count * shape_.k * shape_.n);
  for (const auto& b : b_) {
    if (b.size() != kn) throw Error(fmt::format("{}: B has the wrong size", shape_.name));
  }
  // Many small products (decode attention) are cheaper spread one per thread than each split
  // across every thread, which would cost a thread start per product.
  split_pairs_ = device_.kind == DeviceKind::cpu && threads_ > 1 &&
                 shape_.count >= static_cast<int64_t>(threads_);
  a_.resize(idx(shape_.count * shape_.m * shape_.k));
  fill_random_parallel(a_, seed, threads_);
  c_.assign(idx(shape_.count * shape_.m * shape_.n), std::numeric_limits<float>::quiet_NaN());
}

ProductRunner::~ProductRunner() = default;

uint64_t ProductRunner::own_bytes(const model::ProductShape& s) {
  return 4 * static_cast<uint64_t>(s.count) *
         (static_cast<uint64_t>(s.m) * static_cast<uint64_t>(s.k) +
          static_cast<uint64_t>(s.m) * static_cast<uint64_t>(s.n));
}

std::unique_ptr<gemm::GemmExecutor> ProductRunner::prepare(const gemm::GemmVariant& v) const {
  gemm::GemmProblemSpec spec;
  spec.shape = {shape_.m, shape_.n, shape_.k};
  spec.dtype = dtype_;
  spec.threads = split_pairs_ ? 1 : threads_;
  spec.device = device_;
  auto exec = v.prepare(spec);
  // Set r * count + i is sub-product i of rotation r: A and C are shared by the rotations.
  std::vector<gemm::HostOperands> sets;
  const size_t mk = idx(shape_.m * shape_.k), kn = idx(shape_.k * shape_.n),
               mn = idx(shape_.m * shape_.n);
  for (const auto& b : b_) {
    for (size_t i = 0; i < idx(shape_.count); ++i) {
      sets.push_back({a_.data() + i * mk, b.data() + i * kn,
                      const_cast<float*>(c_.data()) + i * mn});  // the executor writes C
    }
  }
  exec->bind(sets);
  return exec;
}

void ProductRunner::run_on(gemm::GemmExecutor& exec, size_t rotation) {
  const size_t count = idx(shape_.count), first = (rotation % b_.size()) * count;
  if (!split_pairs_) {
    // Set r * count + i is sub-product i of rotation r: a rotation's sets are consecutive, so a
    // batching executor computes them in one launch.
    exec.run_batch(first, count);
    return;
  }
  const size_t workers = std::min<size_t>(threads_, count);
  auto work = [&](size_t w) {
    for (size_t i = w; i < count; i += workers) exec.run(first + i);
  };
  std::vector<std::jthread> pool;
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
}

void ProductRunner::run_and_wait(gemm::GemmExecutor& exec, size_t rotation) {
  run_on(exec, rotation);
  exec.synchronize();
}

double ProductRunner::time_passes(gemm::GemmExecutor& exec, double best_so_far, bool& cut_short) {
  const measure::Stopwatch warm_clock;
  run_and_wait(exec, 0);  // warm: first-touch of workspaces, library set-up
  const double warm = warm_clock.seconds();
  // A path whose warm pass is already twice the best is not timed further: choosing needs no
  // more than that, and a packed kernel on a prefill product can take seconds a pass.
  cut_short = best_so_far > 0 && warm > 2 * best_so_far;
  if (cut_short) return warm;
  // One trial of whole passes; seconds per pass is its time over its work (measure.hpp's rate,
  // inverted), not a median of passes.
  const measure::Stopwatch clock;
  size_t passes = 0;
  double elapsed = 0;
  do {
    run_and_wait(exec, ++passes);
    elapsed = clock.seconds();
  } while (elapsed < max_timing_seconds && (elapsed < min_timing_seconds || passes < 3));
  return 1 / measure::Trial{static_cast<double>(passes), elapsed}.rate();
}

void ProductRunner::select(std::span<const gemm::GemmVariant> variants) {
  candidates_.clear();
  exec_.reset();
  std::unique_ptr<gemm::GemmExecutor> best;
  for (const auto& v : variants) {
    if (v.device != device_.kind) continue;
    PathTiming t{std::string(v.name), std::string(v.impl), {}, 0, v.unavailable(dtype_)};
    if (t.reason.empty()) {
      try {
        auto exec = prepare(v);
        t.settings = exec->settings();
        t.seconds = time_passes(*exec, best ? chosen_.seconds : 0.0, t.cut_short);
        if (!t.cut_short && (!best || t.seconds < chosen_.seconds)) {
          best = std::move(exec);
          chosen_ = t;
        }
      } catch (const DeviceError& e) {
        t.reason = e.what();
      }
    }
    candidates_.push_back(t);
  }
  if (!best) {
    throw DeviceError(fmt::format("{}: no GEMM variant computes {} on {}", shape_.name,
                                  gemm::dtype_name(dtype_), device_.id()));
  }
  exec_ = std::move(best);
}

void ProductRunner::use(const gemm::GemmVariant& v) {
  if (auto why = v.unavailable(dtype_); !why.empty()) throw DeviceError(why);
  exec_ = prepare(v);
  chosen_ = {std::string(v.name), std::string(v.impl), exec_->settings(), 0, {}};
  candidates_ = {chosen_};
}

void ProductRunner::run(size_t rotation) {
  run_on(*exec_, rotation);
}

void ProductRunner::synchronize() {
  exec_->synchronize();
}

int64_t ProductRunner::launches_per_pass() const {
  if (!exec_) return 0;
  return split_pairs_ ? shape_.count : gemm::launches_for(shape_.count, exec_->max_batch());
}

gemm::VerifyResult ProductRunner::check(size_t rotation, uint64_t seed) {
  const size_t count = idx(shape_.count), r = rotation % b_.size();
  const size_t mk = idx(shape_.m * shape_.k), kn = idx(shape_.k * shape_.n),
               mn = idx(shape_.m * shape_.n);
  gemm::VerifyResult worst;
  exec_->synchronize();  // run() may have returned before its products completed
  // First, middle and last: a batched launch whose strides were wrong would leave one of them
  // unwritten or written from the wrong operands.
  std::vector<size_t> picks{0};
  for (const size_t i : {count / 2, count - 1})
    if (i != picks.back()) picks.push_back(i);
  for (const size_t i : picks) {
    exec_->fetch_c(r * count + i);
    auto v =
        gemm::verify_gemm({shape_.m, shape_.n, shape_.k}, dtype_, 1.0f, 0.0f,
                          std::span<const float>(a_).subspan(i * mk, mk), b_[r].subspan(i * kn, kn),
                          {}, std::span<const float>(c_).subspan(i * mn, mn), seed + i);
    const bool first = i == 0;
    if (first || (is_failure(v.verdict) && !is_failure(worst.verdict)) ||
        (is_failure(v.verdict) == is_failure(worst.verdict) && v.rel_error > worst.rel_error))
      worst = v;
  }
  return worst;
}

ProductDescription ProductRunner::describe() const {
  return {shape_, chosen_, candidates_, split_pairs_, launches_per_pass()};
}

Record to_record(const ProductDescription& p) {
  Value::List cands;
  for (const auto& c : p.candidates) {
    Record r{{"variant", c.variant}, {"impl", c.impl}};
    if (c.reason.empty()) {
      r.set("seconds_per_pass", c.seconds);
      if (c.seconds > 0) r.set("flops_per_second", p.shape.flops() / c.seconds);
      if (c.cut_short) r.set("note", "warm pass only: already over twice the best");
    } else {
      r.set("reason", c.reason);
    }
    cands.push_back(std::move(r));
  }
  return {{"name", p.shape.name},
          {"m", p.shape.m},
          {"n", p.shape.n},
          {"k", p.shape.k},
          {"count", p.shape.count},
          {"flops", p.shape.flops()},
          {"b_operand", p.shape.weight ? "layer weights" : "kv cache"},
          {"variant", p.chosen.variant},
          {"impl", p.chosen.impl},
          {"settings", p.chosen.settings},
          {"threading", p.split_pairs ? "one product per thread" : "each product on every thread"},
          {"launches_per_pass", p.launches_per_pass},
          {"candidates", std::move(cands)}};
}

}  // namespace hashflop::workload
