#include "gemm/gemm_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

#include "common/error.hpp"
#include "cpu/cpu_info.hpp"
#include "gemm/gemm_reference.hpp"

namespace hashflop::gemm {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t sat_mul(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<uint64_t>::max() : r;
}
uint64_t sat_add(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<uint64_t>::max() : r;
}

// Bytes of one operand set: A, B and C in fp32.
uint64_t set_bytes(const GemmShape& s) {
  const auto m = static_cast<uint64_t>(s.m), n = static_cast<uint64_t>(s.n),
             k = static_cast<uint64_t>(s.k);
  return sat_mul(4, sat_add(sat_add(sat_mul(m, k), sat_mul(k, n)), sat_mul(m, n)));
}

// Enough sets that together they exceed the last-level cache by half again, so a repeat never
// finds its operands cache-resident; at least two. The cache is the executor's (a GPU's L2)
// when it reports one, else the CPU's L3.
int input_sets(const GemmShape& s, uint64_t cache_bytes) {
  const uint64_t llc =
      cache_bytes != 0 ? cache_bytes : std::max<uint64_t>(cpu::cpu_info().caches.l3, 32u << 20);
  const uint64_t one = std::max<uint64_t>(set_bytes(s), 1);
  return static_cast<int>(std::clamp<uint64_t>(llc * 3 / 2 / one + 1, 2, 1u << 16));
}

struct OperandSets {
  std::vector<std::vector<float>> a, b, c;
  std::vector<float> c_before;  // set 0's C before the verified run, when beta != 0
  std::vector<HostOperands> views;
};

OperandSets make_sets(const GemmRunRequest& req, int count, uint64_t seed) {
  const GemmShape& s = req.shape;
  OperandSets sets;
  for (int i = 0; i < count; ++i) {
    const uint64_t base = seed + 3 * static_cast<uint64_t>(i) * 0x632be59bd9b4e019ull;
    auto& a = sets.a.emplace_back(static_cast<size_t>(s.m * s.k));
    auto& b = sets.b.emplace_back(static_cast<size_t>(s.k * s.n));
    auto& c = sets.c.emplace_back(static_cast<size_t>(s.m * s.n));
    fill_random(a, base + 1);
    fill_random(b, base + 2);
    // beta == 0 must not read C: poison it so any element left unwritten, or read, shows as NaN.
    if (req.beta == 0.0f) {
      std::fill(c.begin(), c.end(), std::numeric_limits<float>::quiet_NaN());
    } else {
      fill_random(c, base + 3);
    }
    sets.views.push_back({a.data(), b.data(), c.data()});
  }
  if (req.beta != 0.0f) sets.c_before = sets.c[0];
  return sets;
}

uint64_t fresh_seed(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device rd;
  return (uint64_t{rd()} << 32) ^ rd();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

GemmRunResult describe(const GemmVariant& variant, const GemmRunRequest& req) {
  GemmRunResult r;
  r.variant = variant.name;
  r.impl = variant.impl;
  r.device = variant.device == DeviceKind::cpu ? "cpu" : "cuda";
  r.dtype = dtype_name(req.dtype);
  r.shape = req.shape;
  r.threads = req.threads != 0 ? req.threads : cpu::cpu_info().logical_cores;
  r.tolerance = tolerance(req.dtype, req.shape.k);
  return r;
}

GemmProblemSpec spec_of(const GemmRunRequest& req) {
  return {req.shape, req.dtype, req.alpha, req.beta, req.threads};
}

}  // namespace

uint64_t gemm_bytes_needed(const GemmRunRequest& req, uint64_t cache_bytes) {
  const GemmShape& s = req.shape;
  const uint64_t sets = sat_mul(set_bytes(s), static_cast<uint64_t>(input_sets(s, cache_bytes)));
  const uint64_t c_copy = req.beta != 0.0f ? sat_mul(4, sat_mul(s.m, s.n)) : 0;
  // The reference keeps a row (n doubles), 64 gathered columns of B (64 k doubles) and, for
  // the sample draw, one index per row and column.
  const uint64_t reference = sat_mul(8, sat_add(sat_add(s.n, sat_mul(64, s.k)), sat_add(s.m, s.n)));
  return sat_add(sat_add(sets, c_copy), reference);
}

uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t value = 0;
  std::string unit;
  while (meminfo >> key >> value >> unit) {
    if (key == "MemAvailable:") return value * 1024;
  }
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

void check_gemm_fits(const GemmRunRequest& req, uint64_t cache_bytes) {
  const uint64_t needed = gemm_bytes_needed(req, cache_bytes);
  const uint64_t available = available_memory_bytes();
  if (needed > available) {
    throw UsageError(fmt::format(
        "gemm {}: too large for memory: needs {} bytes ({:.1f} GiB) for {} operand sets and "
        "verification, but only {} bytes ({:.1f} GiB) are available",
        req.shape.str(), needed, static_cast<double>(needed) / (1u << 30),
        input_sets(req.shape, cache_bytes), available,
        static_cast<double>(available) / (1u << 30)));
  }
}

GemmRunResult run_gemm(const GemmVariant& variant, const GemmRunRequest& req) {
  GemmRunResult result = describe(variant, req);
  if (auto why = variant.unavailable(req.dtype); !why.empty()) {
    result.verification = Verification::not_supported;
    result.reason = std::move(why);
    return result;
  }
  // Prepared first: the executor says which cache the sets must overflow. Preparing allocates
  // no operand memory, so the fit check still comes before any large allocation.
  auto exec = variant.prepare(spec_of(req));
  check_gemm_fits(req, exec->cache_bytes());
  const uint64_t seed = fresh_seed(req.seed);
  result.input_sets = input_sets(req.shape, exec->cache_bytes());
  OperandSets sets = make_sets(req, result.input_sets, seed);
  result.settings = exec->settings();
  exec->bind(sets.views);

  // Warm-up that is also the verified run: set 0, C poisoned (or random when beta != 0).
  const auto t0 = Clock::now();
  exec->run(0);
  exec->synchronize();
  const double first = std::chrono::duration<double>(Clock::now() - t0).count();
  exec->fetch_c(0);
  const auto v = verify_gemm(req.shape, req.dtype, req.alpha, req.beta, sets.a[0], sets.b[0],
                             sets.c_before, sets.c[0], seed ^ 0x5eed);
  result.rel_error = v.rel_error;
  result.verification = v.verdict;
  result.verify_method = v.method;

  // Time batches of products so each repetition lasts ~20 ms or more (one product when a
  // product is longer), rotating sets so the inputs come from memory, not cache. A device
  // executor's own clock (CUDA events) times the batch when it has one.
  const auto batch = static_cast<int>(std::clamp(0.02 / std::max(first, 1e-9), 1.0, 1e6));
  size_t next = 1 % sets.views.size();
  for (int rep = 0; rep < std::max(req.repetitions, 1); ++rep) {
    const auto start = Clock::now();
    exec->start_timer();
    for (int i = 0; i < batch; ++i) {
      exec->run(next);
      next = (next + 1) % sets.views.size();
    }
    const auto device_seconds = exec->stop_timer();
    exec->synchronize();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    result.samples.push_back(device_seconds.value_or(wall) / batch);
  }
  result.seconds = median(result.samples);
  result.flops_per_second = result.seconds > 0 ? req.shape.flops() / result.seconds : 0;

  // The warm-up's check ran on set 0; check a timed product too. With beta == 0 the last set's
  // C is A B whatever ran on it before; with beta != 0 it folds in every earlier product.
  if (req.beta == 0.0f && result.verification == Verification::passed) {
    const size_t last = (next + sets.views.size() - 1) % sets.views.size();
    exec->fetch_c(last);
    const auto t = verify_gemm(req.shape, req.dtype, req.alpha, req.beta, sets.a[last],
                               sets.b[last], {}, sets.c[last], seed ^ 0x7173);
    if (t.verdict != Verification::passed) {
      result.verification = t.verdict;
      result.rel_error = t.rel_error;
      result.reason = fmt::format("the last timed product (set {}) failed: {}", last, t.method);
    }
  }
  return result;
}

SustainedGemm run_gemm_for(std::chrono::duration<double> duration, const GemmVariant& variant,
                           const GemmRunRequest& req) {
  if (auto why = variant.unavailable(req.dtype); !why.empty()) throw DeviceError(why);
  auto exec = variant.prepare(spec_of(req));
  check_gemm_fits(req, exec->cache_bytes());
  OperandSets sets =
      make_sets(req, input_sets(req.shape, exec->cache_bytes()), fresh_seed(req.seed));
  exec->bind(sets.views);
  SustainedGemm out;
  const auto start = Clock::now();
  size_t next = 0;
  do {
    exec->run(next);
    next = (next + 1) % sets.views.size();
    ++out.products;
    // Asynchronous devices: bound the queue so the deadline check means something.
    if (out.products % 16 == 0) exec->synchronize();
  } while (Clock::now() - start < duration);
  exec->synchronize();
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.flops = static_cast<double>(out.products) * req.shape.flops();
  return out;
}

}  // namespace hashflop::gemm
