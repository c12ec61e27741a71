// One benchmark per CPU sha256d variant, single thread and all threads, on the genesis header
// at difficulty 1 (real-world candidate rate). items_per_second = nonces per second.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "bitcoin/target.hpp"
#include "cpu/sha256d_variants.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_headers.hpp"

namespace hashflop::cpu {
namespace {

void bench_search(benchmark::State& state, const Sha256dVariant* variant, unsigned threads) {
  if (!variant->supported(cpu_info().features)) {
    state.SkipWithError(fmt::format("this CPU lacks {}", variant->requires_text).c_str());
    return;
  }
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.target = bitcoin::target_from_bits(req.header.bits());
  req.threads = threads;
  // About 0.1 s per iteration at the rates seen, for the vector variants.
  req.count = variant->lanes == 1 ? (1u << 19) : (1u << 22);
  uint64_t nonces = 0;
  for (auto _ : state) {
    const auto r = search_range(req, *variant);
    benchmark::DoNotOptimize(r.found.data());
    nonces += r.nonces_tried;
    req.start += static_cast<uint32_t>(req.count);  // fresh nonces every iteration
  }
  state.SetItemsProcessed(static_cast<int64_t>(nonces));
  state.counters["threads"] = threads;
}

const bool registered = [] {
  const unsigned all = cpu_info().logical_cores;
  for (const auto& v : sha256d_variants()) {
    for (unsigned threads : {1u, all}) {
      if (threads == all && all == 1) continue;
      benchmark::RegisterBenchmark(
          fmt::format("sha256d/cpu/{}/threads:{}", v.name, threads).c_str(), bench_search, &v,
          threads)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  return true;
}();

}  // namespace
}  // namespace hashflop::cpu
