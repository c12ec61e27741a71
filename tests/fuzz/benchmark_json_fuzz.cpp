// Google Benchmark JSON (hashflop_bench --benchmark_out): what `hashflop compare` reads. Loading
// must end in a UsageError or a dataset, which is then compared and printed without a throw.
#include "compare_pipeline.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace hashflop;
namespace fs = std::filesystem;

const std::optional<compare::Dataset>& real() {
  static const std::optional<compare::Dataset> d = compare::load_dataset(
      fs::path(HASHFLOP_SOURCE_DIR) / "results/baselines/cpu-amd-epyc-zen4-2core-20261126.json");
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)real();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path path = fuzz::scratch_dir() / "bench.json";
  fuzz::write_file(path, fuzz::as_text(data, size));
  fuzz::compare_file(path, real());
  return 0;
}
