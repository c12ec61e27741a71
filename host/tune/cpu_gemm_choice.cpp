#include "tune/cpu_gemm_choice.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "common/error.hpp"
#include "gemm/cpu_gemm.hpp"
#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_runner.hpp"
#include "tune/chooser.hpp"
#include "tune/machine_key.hpp"
#include "tune/wisdom.hpp"

namespace hashflop::tune {
namespace {

namespace gk = gemm_kernels;
using gemm::GemmShape;

// Rows of A a trial runs. M is cut, as the blocking repeats along it: to about 8 GFLOP per
// thread (0.1 s on one Zen 4 core, so five candidates in 4 rounds take about 2 s), but never
// below one of the largest candidate's mc blocks per thread when mc blocks A for L2
// (SliverInL1::b, `largest_mc` > 0), so each thread sweeps a whole block as in the real run.
// (Two blocks per thread made avx2's calibration at 4096^3 take 81 s on a loaded 2-core VM.)
int64_t probe_rows(const GemmShape& shape, gk::MicroTile tile, unsigned threads,
                   int64_t largest_mc) {
  const int64_t t = std::max<unsigned>(threads, 1);
  const int64_t unit = tile.mr * t;
  const double per_row = 2.0 * static_cast<double>(shape.n) * static_cast<double>(shape.k);
  const auto for_time = static_cast<int64_t>(8e9 * static_cast<double>(t) / per_row) + 1;
  return std::min(shape.m, std::max((for_time + unit - 1) / unit * unit, largest_mc * t));
}

// Bytes the probe's operands take (A and C cut to probe_rows, all of B), in fp32.
double probe_bytes(const GemmShape& shape, int64_t rows) {
  const auto m = static_cast<double>(rows), n = static_cast<double>(shape.n),
             k = static_cast<double>(shape.k);
  return 4.0 * (m * k + k * n + m * n);
}

class CpuGemmProbe final : public Probe {
 public:
  CpuGemmProbe(const gemm::GemmVariant& variant, const GemmShape& shape, unsigned threads,
               int64_t largest_mc)
      : tiled_(*variant.tiled), threads_(threads), shape_(shape) {
    shape_.m = probe_rows(shape, tiled_.tile, threads, largest_mc);
    a_.resize(static_cast<size_t>(shape_.m * shape_.k));
    b_.resize(static_cast<size_t>(shape_.k * shape_.n));
    c_.resize(static_cast<size_t>(shape_.m * shape_.n));
    gemm::fill_random(a_, 0xca1b);
    gemm::fill_random(b_, 0xca1c);
  }

  Check verify(std::string_view candidate) override {
    const auto blk = gemm::parse_blocking(candidate);
    // Ends inside a partial mc block, a partial kc slice and partial register tiles, so every
    // edge path of this blocking runs.
    const GemmShape odd{blk.mc + tiled_.tile.mr / 2 + 1,
                        std::min<int64_t>(blk.nc, 2 * tiled_.tile.nr) + 5, blk.kc + 3};
    std::vector<float> a(static_cast<size_t>(odd.m * odd.k)), b(static_cast<size_t>(odd.k * odd.n));
    std::vector<float> c(static_cast<size_t>(odd.m * odd.n),
                         std::numeric_limits<float>::quiet_NaN());
    gemm::fill_random(a, 0x0dd1);
    gemm::fill_random(b, 0x0dd2);
    gemm::sgemm_tiled(
        {odd.m, odd.n, odd.k, 1.0f, 0.0f, a.data(), odd.k, b.data(), odd.n, c.data(), odd.n},
        tiled_.range, tiled_.tile, threads_, blk);
    const auto v = gemm::verify_gemm(odd, gemm::Dtype::fp32, 1.0f, 0.0f, a, b, {}, c, 0x0dd3);
    if (v.verdict != Verdict::passed)
      return {v.verdict, fmt::format("{}: rel_error {:.2e} > {:.1e} ({})", odd.str(), v.rel_error,
                                     v.tolerance, v.method)};
    return {Verdict::passed, fmt::format("{} within fp64 tolerance", odd.str())};
  }

  measure::Trial trial(std::string_view candidate) override {
    const auto blk = gemm::parse_blocking(candidate);
    std::fill(c_.begin(), c_.end(), std::numeric_limits<float>::quiet_NaN());
    // Products back to back for at least 20 ms, so a small shape is not timed by one product
    // of a millisecond; a large one is a single product.
    const measure::Stopwatch clock;
    double seconds = 0;
    int products = 0;
    do {
      gemm::sgemm_tiled({shape_.m, shape_.n, shape_.k, 1.0f, 0.0f, a_.data(), shape_.k, b_.data(),
                         shape_.n, c_.data(), shape_.n},
                        tiled_.range, tiled_.tile, threads_, blk);
      ++products;
      seconds = clock.seconds();
    } while (seconds < 0.02);
    // Each candidate's first trial is checked against fp64 too (sampled).
    if (checked_.insert(std::string(candidate)).second) {
      const auto v =
          gemm::verify_gemm(shape_, gemm::Dtype::fp32, 1.0f, 0.0f, a_, b_, {}, c_, 0x7e57);
      if (v.verdict != Verdict::passed)
        throw Error(fmt::format("{} on {}: rel_error {:.2e} > {:.1e}", candidate, shape_.str(),
                                v.rel_error, v.tolerance));
    }
    return {products * shape_.flops(), seconds};
  }

 private:
  gemm::TiledCpuKernel tiled_;
  unsigned threads_;
  GemmShape shape_;
  std::vector<float> a_, b_, c_;
  std::set<std::string, std::less<>> checked_;
};

}  // namespace

std::string gemm_problem(std::string_view variant, gemm::Dtype dtype, const GemmShape& shape,
                         unsigned threads) {
  return fmt::format("{} {} {} threads={}", variant, gemm::dtype_name(dtype), shape.str(), threads);
}

std::vector<gk::GemmBlocking> gemm_blocking_candidates(gk::MicroTile tile, unsigned threads,
                                                       const cpu::CacheSizes& caches,
                                                       const GemmShape& shape) {
  const gk::GemmBlocking base = gemm::cpu_blocking(tile, threads, caches);
  std::vector<gk::GemmBlocking> out;
  const auto add = [&](gk::GemmBlocking b) {
    b = gemm::fit_blocking(b, tile, shape);
    const auto same = [&](const gk::GemmBlocking& o) {
      return o.mc == b.mc && o.kc == b.kc && o.nc == b.nc;
    };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back(b);
  };
  add(base);
  // kc from two thirds to twice the formula's: shallower keeps the B sliver and the streaming
  // A sliver inside L1 together, deeper halves the passes over C. mc and nc are refitted to the
  // same share of L2 and L3 as the formula gives them, so each level's block stays resident.
  for (const int64_t kc : {base.kc * 2 / 3, base.kc * 4 / 3, base.kc * 2}) {
    const int64_t k = std::max<int64_t>(16, kc / 16 * 16);
    gk::GemmBlocking b;
    b.kc = k;
    b.mc = std::max<int64_t>(tile.mr, base.mc * base.kc / k / tile.mr * tile.mr);
    b.nc = std::max<int64_t>(tile.nr, base.nc * base.kc / k / tile.nr * tile.nr);
    add(b);
  }
  // Half the formula's mc: the A block then leaves L2 room for the B panel's slivers and C.
  add({std::max<int64_t>(tile.mr, base.mc / 2 / tile.mr * tile.mr), base.kc, base.nc});
  return out;
}

std::unique_ptr<Probe> make_cpu_gemm_probe(const gemm::GemmVariant& variant, const GemmShape& shape,
                                           unsigned threads, int64_t largest_mc) {
  if (variant.tiled == nullptr)
    throw Error(fmt::format("{} has no cache blocking to calibrate", variant.name));
  return std::make_unique<CpuGemmProbe>(variant, shape, threads, largest_mc);
}

GemmBlockingChoice choose_cpu_gemm_blocking(const gemm::GemmVariant& variant,
                                            const GemmShape& shape, gemm::Dtype dtype,
                                            unsigned threads,
                                            std::optional<gk::GemmBlocking> forced,
                                            const TuneSettings& settings, Probe* probe) {
  if (variant.tiled == nullptr)
    throw Error(fmt::format("{} has no cache blocking to choose", variant.name));
  const auto tile = variant.tiled->tile;
  const unsigned t = threads != 0 ? threads : cpu::cpu_info().logical_cores;
  const auto blockings = gemm_blocking_candidates(tile, t, cpu::cpu_info().caches, shape);

  ChoiceSpec spec;
  spec.head = fmt::format("gemm {} {}", variant.name, shape.str());
  spec.noun = "blocking ";
  spec.where = {
      std::string(gemm_workload), gemm_problem(variant.name, dtype, shape, t), cpu_key(t), {}};
  int64_t largest_mc = 0;  // only where mc blocks A for L2
  for (const auto& b : blockings) {
    spec.candidates.push_back(gemm::blocking_text(b));
    if (tile.l1 == gk::SliverInL1::b) largest_mc = std::max(largest_mc, b.mc);
  }
  spec.fallback = spec.candidates.front();
  spec.fallback_label = "cache-size default";
  spec.fallback_reason = "from the cache sizes, not yet calibrated (hashflop tune measures)";
  if (forced) spec.forced = gemm::blocking_text(gemm::fit_blocking(*forced, tile, shape));
  spec.forced_reason = "named with --blocking";
  // Only a blocking this chooser would itself try is trusted: a stored mc=1 kc=1 nc=1 once ran
  // at a thousandth of the speed, reported as "from wisdom".
  spec.refuse_stored = [&](const results::Selection& s) {
    return std::find(spec.candidates.begin(), spec.candidates.end(), s.choice) !=
                   spec.candidates.end()
               ? std::string()
               : fmt::format("its blocking \"{}\" is none of the {} this CPU's caches give",
                             s.choice, spec.candidates.size());
  };
  spec.stored_note = [](const results::Selection& s) {
    return fmt::format("calibrated {}", s.calibrated_at);
  };
  spec.announce_stored_when_quiet = true;
  // The trials need B whole: a shape whose operands would not fit in half the free memory is
  // not calibrated (the run itself then says whether the product fits).
  const double bytes = probe_bytes(shape, probe_rows(shape, tile, t, largest_mc));
  if (probe == nullptr) {
    spec.cannot_measure = [bytes]() -> std::string {
      if (bytes <= 0.5 * static_cast<double>(gemm::available_memory_bytes())) return {};
      return fmt::format(
          "from the cache sizes: calibrating needs {:.1f} GiB, more than half the free memory",
          bytes / (1u << 30));
    };
  }
  spec.measuring_line =
      fmt::format("calibrating {} blockings on {} threads", spec.candidates.size(), t);
  // One warm-up and three timed products per candidate (each about 0.1 s, see the probe).
  spec.plan.rounds = 3;
  spec.probe = probe;
  spec.make_probe = [&] { return make_cpu_gemm_probe(variant, shape, t, largest_mc); };
  spec.rates = [](const results::Selection& s) { return rates_line(s, "flop", true); };

  GemmBlockingChoice c{{}, choose(spec, settings)};
  c.blocking = gemm::parse_blocking(c.selection.choice);
  return c;
}

}  // namespace hashflop::tune
