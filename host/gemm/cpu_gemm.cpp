#include "gemm/cpu_gemm.hpp"

#include <cblas.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop::gemm {
namespace {

using gemm_kernels::GemmBlocking;
using gemm_kernels::GemmRange;
using gemm_kernels::MicroTile;
using gemm_kernels::SgemmProblem;

int64_t round_down(int64_t x, int64_t to) {
  return std::max(to, x / to * to);
}
int64_t round_up(int64_t x, int64_t to) {
  return (x + to - 1) / to * to;
}

unsigned resolve_threads(unsigned threads) {
  return threads != 0 ? threads : cpu::cpu_info().logical_cores;
}

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

}  // namespace

// The Goto/BLIS analytical blocking, with each level's resident block given part of its cache so
// the data streaming through (C tiles, the next slivers, the other operand) does not evict it.
// Unknown cache sizes fall back to 32 KiB, 1 MiB and 8 MiB. These are the defaults; calibration
// (tune/cpu_gemm_choice.cpp) times variations of them and the wisdom file keeps the fastest.
//
// SliverInL1::b (the kc x NR sliver of B in L1):
//  - kc = (3/4 L1) / (NR * 4 bytes), a multiple of 8, clamped to [64, 512] (3/4 measured ~3%
//    faster than 1/2 at 2048^3 on Zen 4; the A sliver streaming in needs only MR*4 bytes/k).
//  - mc: the mc x kc block of A is swept once per NR columns, so it must stay in L2:
//    mc = (L2 / 2) / (kc * 4 bytes), a multiple of MR.
//  - nc: the kc x nc panel of B is swept once per mc rows and every thread packs its own, so
//    the threads' panels share L3: nc = (L3 / 2) / (kc * 4 bytes * threads), a multiple of NR.
// SliverInL1::a (the MR x kc sliver of A in L1; BLIS's Zen 4 sgemm blocking, transposed):
//  - kc = (2/3 L1) / (MR * 4 bytes), a multiple of 16, clamped to [64, 1024]: the rest of L1
//    holds the B sliver lines streaming past and the C tile (448 on Zen 4; BLIS uses 480).
//  - nc: the kc x nc panel of B is swept once per MR rows, so it must stay in L2:
//    nc = (3/4 L2) / (kc * 4 bytes), a multiple of NR.
//  - mc: the mc x kc block of A is swept once per nc columns and every thread packs its own:
//    mc = (L3 / 2) / (kc * 4 bytes * threads), a multiple of MR.
// mc and nc are at most 8192 so the workspace stays small.
GemmBlocking cpu_blocking(MicroTile tile, unsigned threads, const cpu::CacheSizes& caches) {
  const auto l1 = static_cast<int64_t>(caches.l1d != 0 ? caches.l1d : 32 * 1024);
  const auto l2 = static_cast<int64_t>(caches.l2 != 0 ? caches.l2 : 1024 * 1024);
  const auto l3 = static_cast<int64_t>(caches.l3 != 0 ? caches.l3 : 8 * 1024 * 1024);
  const int64_t t = std::max<int64_t>(1, threads);
  GemmBlocking b;
  if (tile.l1 == gemm_kernels::SliverInL1::a) {
    b.kc = std::clamp<int64_t>(round_down(l1 * 2 / 3 / (tile.mr * 4), 16), 64, 1024);
    b.nc = std::clamp<int64_t>(round_down(l2 * 3 / 4 / (b.kc * 4), tile.nr), tile.nr, 8192);
    b.mc = std::clamp<int64_t>(round_down(l3 / 2 / (b.kc * 4 * t), tile.mr), tile.mr, 8192);
    return b;
  }
  b.kc = std::clamp<int64_t>(round_down(l1 * 3 / 4 / (tile.nr * 4), 8), 64, 512);
  b.mc = std::clamp<int64_t>(round_down(l2 / 2 / (b.kc * 4), tile.mr), tile.mr, 4096);
  b.nc = std::clamp<int64_t>(round_down(l3 / 2 / (b.kc * 4 * t), tile.nr), tile.nr, 8192);
  return b;
}

GemmBlocking fit_blocking(GemmBlocking b, MicroTile tile, const GemmShape& shape) {
  b.mc = std::max<int64_t>(1, std::min(b.mc, round_up(shape.m, tile.mr)));
  b.nc = std::max<int64_t>(1, std::min(b.nc, round_up(shape.n, tile.nr)));
  b.kc = std::max<int64_t>(1, std::min(b.kc, shape.k));
  return b;
}

std::string blocking_text(const GemmBlocking& b) {
  return fmt::format("mc={} kc={} nc={}", b.mc, b.kc, b.nc);
}

GemmBlocking parse_blocking(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return UsageError(fmt::format(
        "blocking \"{}\": {} (expected \"mc=M kc=K nc=N\" or \"M,K,N\", each at least 1)", text,
        why));
  };
  std::string s(text);
  for (char& ch : s) {
    if (ch == ',') ch = ' ';
  }
  std::istringstream in(s);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.size() != 3) throw bad("three sizes wanted");
  GemmBlocking b{0, 0, 0};
  const char* names[3] = {"mc", "kc", "nc"};
  int64_t* fields[3] = {&b.mc, &b.kc, &b.nc};
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    int64_t* field = fields[i];
    if (const auto eq = w.find('='); eq != std::string_view::npos) {
      field = nullptr;
      for (int f = 0; f < 3; ++f) {
        if (w.substr(0, eq) == names[f]) field = fields[f];
      }
      if (field == nullptr) throw bad(fmt::format("unknown field \"{}\"", w.substr(0, eq)));
      w = w.substr(eq + 1);
    }
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || end != w.data() + w.size() || v < 1 || v > (int64_t{1} << 20))
      throw bad(fmt::format("\"{}\" is not a size", w));
    *field = v;
  }
  if (b.mc < 1 || b.kc < 1 || b.nc < 1) throw bad("a field is missing");
  return b;
}

void sgemm_tiled(const SgemmProblem& problem, gemm_kernels::SgemmRangeFn kernel, MicroTile tile,
                 unsigned threads, const GemmBlocking& blocking) {
  const unsigned t = resolve_threads(threads);
  // Do not reserve workspace for more than the problem has.
  const GemmBlocking blk = fit_blocking(blocking, tile, {problem.m, problem.n, problem.k});

  // Split whichever of M and N has more register tiles, in whole tiles, so every thread owns a
  // disjoint block of C and no synchronisation is needed until the end.
  const int64_t m_tiles = (problem.m + tile.mr - 1) / tile.mr;
  const int64_t n_tiles = (problem.n + tile.nr - 1) / tile.nr;
  const bool split_n = n_tiles >= m_tiles;
  const int64_t tiles = split_n ? n_tiles : m_tiles;
  const int64_t workers = std::clamp<int64_t>(tiles, 1, t);
  const int64_t per_worker = (tiles + workers - 1) / workers;

  const size_t ws_floats = gemm_kernels::sgemm_workspace_floats(blk, tile);
  const size_t ws_bytes = round_up(static_cast<int64_t>(ws_floats * sizeof(float)), 64);
  std::vector<std::unique_ptr<float, FreeDeleter>> workspaces;
  for (int64_t w = 0; w < workers; ++w) {
    auto* p = static_cast<float*>(std::aligned_alloc(64, ws_bytes));
    if (p == nullptr) throw std::bad_alloc();
    workspaces.emplace_back(p);
  }

  auto range_of = [&](int64_t w) {
    GemmRange r{0, problem.m, 0, problem.n};
    const int64_t first = w * per_worker, last = std::min(tiles, first + per_worker);
    if (split_n) {
      r.n_begin = std::min(problem.n, first * tile.nr);
      r.n_end = std::min(problem.n, last * tile.nr);
    } else {
      r.m_begin = std::min(problem.m, first * tile.mr);
      r.m_end = std::min(problem.m, last * tile.mr);
    }
    return r;
  };
  {
    std::vector<std::jthread> pool;
    for (int64_t w = 1; w < workers; ++w) {
      pool.emplace_back(
          [&, w] { kernel(problem, blk, range_of(w), workspaces[static_cast<size_t>(w)].get()); });
    }
    kernel(problem, blk, range_of(0), workspaces[0].get());
  }  // jthreads join here
}

void sgemm_stream(const SgemmProblem& problem, gemm_kernels::SgemmColumnsFn kernel,
                  unsigned threads) {
  // Whole 64-byte lines of each B row per thread, so no two threads share a line of C.
  constexpr int64_t block = 16;
  const int64_t blocks = (problem.n + block - 1) / block;
  const int64_t workers = std::clamp<int64_t>(blocks, 1, resolve_threads(threads));
  const int64_t per = (blocks + workers - 1) / workers * block;
  std::vector<std::jthread> pool;
  for (int64_t w = 1; w < workers; ++w) {
    const int64_t from = std::min(problem.n, w * per), to = std::min(problem.n, from + per);
    if (from < to) pool.emplace_back([&problem, kernel, from, to] { kernel(problem, from, to); });
  }
  kernel(problem, 0, std::min(problem.n, per));
}

void sgemm_openblas(const SgemmProblem& p, unsigned threads) {
  openblas_set_num_threads(static_cast<int>(resolve_threads(threads)));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(p.m),
              static_cast<blasint>(p.n), static_cast<blasint>(p.k), p.alpha, p.a,
              static_cast<blasint>(p.lda), p.b, static_cast<blasint>(p.ldb), p.beta, p.c,
              static_cast<blasint>(p.ldc));
}

std::string openblas_description() {
  std::string text = openblas_get_config();
  text += " / core ";
  text += openblas_get_corename();
  return text;
}

}  // namespace hashflop::gemm
