#include "gemm/gemm_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "common/error.hpp"
#include "common/measure.hpp"
#include "common/median.hpp"
#include "common/memory_budget.hpp"
#include "cpu/cpu_info.hpp"

namespace hashflop::gemm {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes of one operand set in host memory: A, B and C in fp32.
uint64_t host_set_bytes(const GemmShape& s) {
  const auto m = static_cast<uint64_t>(s.m), n = static_cast<uint64_t>(s.n),
             k = static_cast<uint64_t>(s.k);
  return saturating_mul(4,
                        saturating_add(saturating_add(saturating_mul(m, k), saturating_mul(k, n)),
                                       saturating_mul(m, n)));
}

// Bytes one set occupies in the device's cache: A and B at the dtype's element size, C fp32.
uint64_t device_set_bytes(const GemmShape& s, Dtype dtype) {
  const auto m = static_cast<uint64_t>(s.m), n = static_cast<uint64_t>(s.n),
             k = static_cast<uint64_t>(s.k);
  const auto e = static_cast<uint64_t>(element_bytes(dtype));
  return saturating_add(
      saturating_mul(e, saturating_add(saturating_mul(m, k), saturating_mul(k, n))),
      saturating_mul(4, saturating_mul(m, n)));
}

uint64_t fresh_seed(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device rd;
  return (uint64_t{rd()} << 32) ^ rd();
}

GemmRunResult describe(const GemmVariant& variant, const GemmRunRequest& req) {
  GemmRunResult r;
  r.variant = variant.name;
  r.impl = variant.impl;
  r.device = req.device.id();
  r.dtype = dtype_name(req.dtype);
  r.shape = req.shape;
  r.threads = req.threads != 0 ? req.threads : cpu::cpu_info().logical_cores;
  r.tolerance = tolerance(req.dtype, req.shape.k);
  return r;
}

// Seconds of `products` products from `first` on, on the device's clock when it has one.
double time_batch(GemmExecutor& exec, size_t& next, size_t sets, int products) {
  const auto start = Clock::now();
  exec.start_timer();
  for (int i = 0; i < products; ++i) {
    exec.run(next);
    next = (next + 1) % sets;
  }
  const auto device_seconds = exec.stop_timer();
  exec.synchronize();
  return device_seconds.value_or(std::chrono::duration<double>(Clock::now() - start).count());
}

}  // namespace

int input_sets(const GemmShape& s, Dtype dtype, uint64_t cache_bytes) {
  const uint64_t llc =
      cache_bytes != 0 ? cache_bytes : std::max<uint64_t>(cpu::cpu_info().caches.l3, 32u << 20);
  const uint64_t one = std::max<uint64_t>(device_set_bytes(s, dtype), 1);
  return static_cast<int>(std::clamp<uint64_t>(llc * 3 / 2 / one + 1, 2, max_input_sets));
}

uint64_t gemm_bytes_needed(const GemmRunRequest& req, uint64_t cache_bytes) {
  const GemmShape& s = req.shape;
  const auto count = static_cast<uint64_t>(input_sets(s, req.dtype, cache_bytes));
  const uint64_t sets = saturating_mul(host_set_bytes(s), count);
  const uint64_t c_copy = req.beta != 0.0f ? saturating_mul(4, saturating_mul(s.m, s.n)) : 0;
  // The reference keeps a row (n doubles), 64 gathered columns of B (64 k doubles) and, for
  // the sample draw, one index per row and column.
  const uint64_t reference = saturating_mul(
      8, saturating_add(saturating_add(s.n, saturating_mul(64, s.k)), saturating_add(s.m, s.n)));
  return saturating_add(saturating_add(sets, c_copy), reference);
}

uint64_t available_memory_bytes() {
  return memory_budget().bytes;
}

void check_gemm_fits(const GemmRunRequest& req, uint64_t cache_bytes) {
  const uint64_t needed = gemm_bytes_needed(req, cache_bytes);
  const auto budget = memory_budget();
  if (needed > budget.bytes) {
    throw UsageError(fmt::format(
        "gemm {}: too large for memory: needs {} bytes ({:.1f} GiB) for {} operand sets and "
        "verification, but only {} bytes ({:.1f} GiB) are available, by {}",
        req.shape.str(), needed, static_cast<double>(needed) / (1u << 30),
        input_sets(req.shape, req.dtype, cache_bytes), budget.bytes,
        static_cast<double>(budget.bytes) / (1u << 30), budget.limited_by));
  }
}

int batch_size(double warm_product_seconds, double min_batch_seconds) {
  const double n = std::ceil(min_batch_seconds / std::max(warm_product_seconds, 1e-9));
  return static_cast<int>(std::clamp(n, 1.0, 1e6));
}

std::unique_ptr<GemmExecutor> check_fits(const GemmVariant& variant, const GemmRunRequest& req) {
  // Prepared first: the executor says which cache the sets must overflow. Preparing allocates
  // no operand memory, so the fit checks still come before any large allocation.
  auto exec = variant.prepare(
      {req.shape, req.dtype, req.alpha, req.beta, req.threads, req.device, req.blocking});
  check_gemm_fits(req, exec->cache_bytes());
  exec->check_memory(static_cast<size_t>(input_sets(req.shape, req.dtype, exec->cache_bytes())));
  return exec;
}

PreparedGemm::PreparedGemm(const GemmVariant& variant, const GemmRunRequest& req)
    : PreparedGemm(check_fits(variant, req), req) {}

PreparedGemm::PreparedGemm(std::unique_ptr<GemmExecutor> executor, const GemmRunRequest& req)
    : req_(req), seed_(fresh_seed(req.seed)), exec_(std::move(executor)) {
  const GemmShape& s = req.shape;
  const int count = input_sets(s, req.dtype, exec_->cache_bytes());
  for (int i = 0; i < count; ++i) {
    const uint64_t base = seed_ + 3 * static_cast<uint64_t>(i) * 0x632be59bd9b4e019ull;
    auto& a = a_.emplace_back(static_cast<size_t>(s.m * s.k));
    auto& b = b_.emplace_back(static_cast<size_t>(s.k * s.n));
    auto& c = c_.emplace_back(static_cast<size_t>(s.m * s.n));
    fill_random(a, base + 1);
    fill_random(b, base + 2);
    // beta == 0 must not read C: poison it so any element left unwritten, or read, shows as NaN.
    if (req.beta == 0.0f) {
      std::fill(c.begin(), c.end(), std::numeric_limits<float>::quiet_NaN());
    } else {
      fill_random(c, base + 3);
    }
    views_.push_back({a.data(), b.data(), c.data()});
  }
  if (req.beta != 0.0f) c_before_ = c_[0];
  exec_->bind(views_);
}

void PreparedGemm::run_once(size_t index) {
  exec_->run(index);
  exec_->synchronize();
}

VerifyResult PreparedGemm::check(size_t index, uint64_t salt) {
  exec_->fetch_c(index);
  const bool first_of_set0 = index == 0 && !c_before_.empty();
  if (req_.beta != 0.0f && !first_of_set0) {
    VerifyResult r;
    r.method = "not checked: with beta != 0 C folds in every earlier product";
    return r;
  }
  const auto v =
      verify_gemm(req_.shape, req_.dtype, req_.alpha, req_.beta, a_[index], b_[index],
                  first_of_set0 ? std::span<const float>(c_before_) : std::span<const float>(),
                  c_[index], seed_ ^ salt);
  if (first_of_set0) c_before_.clear();  // set 0's C now holds a product: no longer "before"
  return v;
}

GemmRunResult run_gemm(const GemmVariant& variant, const GemmRunRequest& req) {
  GemmRunResult result = describe(variant, req);
  if (auto why = variant.unavailable(req.dtype); !why.empty()) {
    result.verification = Verdict::not_supported;
    result.reason = std::move(why);
    return result;
  }
  GemmProgress unused;
  GemmProgress& progress = req.progress != nullptr ? *req.progress : unused;
  const auto cancelled = [&req] { return req.cancel != nullptr && req.cancel->load(); };
  progress.step = GemmProgress::preparing;
  PreparedGemm gemm(variant, req);
  GemmExecutor& exec = gemm.executor();
  result.input_sets = static_cast<int>(gemm.sets());
  result.settings = exec.settings();

  // The cold warm-up is also the verified run: set 0, C poisoned (or random when beta != 0).
  progress.step = GemmProgress::first_product;
  const measure::Stopwatch first;
  gemm.run_once(0);
  progress.seconds_per_product = first.seconds();
  const auto v = gemm.check(0, 0x5eed);
  result.rel_error = v.rel_error;
  result.verification = v.verdict;
  result.verify_method = v.method;

  // Batches of at least 20 ms between two clock readings (CUDA events on a GPU), sized from a
  // warm product: launch overhead and event resolution stay far below the batch.
  size_t next = 1 % gemm.sets();
  progress.step = GemmProgress::warm_product;
  measure::Series series({.warmup = 1, .stable_within = 0, .trials = std::max(req.repetitions, 1)});
  const double flops = req.shape.flops();
  while (!series.done()) {
    if (cancelled()) {
      result.interrupted = true;
      break;
    }
    const bool warm_up = series.warming_up();
    const int products = warm_up ? 1 : result.batch;
    series.add({products * flops, time_batch(exec, next, gemm.sets(), products)});
    if (warm_up) {
      const double warm = series.warmup().back().seconds;
      progress.seconds_per_product = warm;
      result.batch = batch_size(warm);
      progress.batch = result.batch;
      progress.step = GemmProgress::timing;
    } else {
      result.samples.push_back(series.timed().back().seconds / result.batch);
      progress.batches_done = static_cast<int>(result.samples.size());
    }
  }
  if (result.samples.empty()) return result;
  const auto summary = series.summary();
  result.flops_per_second = summary.rate;
  result.seconds = median(result.samples);

  // The warm-up's check ran on set 0; check a timed product too. With beta == 0 the last set's
  // C is A B whatever ran on it before.
  if (req.beta == 0.0f && result.verification == Verdict::passed) {
    progress.step = GemmProgress::checking;
    const size_t last = (next + gemm.sets() - 1) % gemm.sets();
    const auto t = gemm.check(last, 0x7173);
    if (t.verdict != Verdict::passed) {
      result.verification = t.verdict;
      result.rel_error = t.rel_error;
      result.reason = fmt::format("the last timed product (set {}) failed: {}", last, t.method);
    }
  }
  return result;
}

}  // namespace hashflop::gemm
