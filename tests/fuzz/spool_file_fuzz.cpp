// A fleet rank's spool (JSON lines: a header, windows, runs, an end record), as `hashflop
// recover` reads it after a crash: torn lines, wrong types, ranks out of range, absurd sizes.
// The input is the spool of rank 0 of a job; a second, well-formed spool (rank 1) sits beside
// it. Recovery must end in a UsageError or a result that survives its own JSON round trip, never
// a crash, a stray exception or UB.
#include "fleet/spool.hpp"
#include "fuzz_support.hpp"
#include "results/result.hpp"

namespace {

using namespace hashflop;
namespace fs = std::filesystem;

const fs::path& job() {
  static const fs::path j = [] {
    const fs::path dir = fuzz::scratch_dir() / "spools";
    fs::create_directories(dir);
    const fs::path file = dir / "job.json";
    fs::copy_file(fs::path(HASHFLOP_SOURCE_DIR) / "tests/fuzz/spool_rank1.jsonl",
                  fleet::spool_path(file, 1), fs::copy_options::overwrite_existing);
    return file;
  }();
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)job();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::write_file(fleet::spool_path(job(), 0), fuzz::as_text(data, size));
  std::optional<fleet::Recovery> recovered;
  // --force: the fuzzer's own pid may be in a header, and this is no live job.
  if (!fuzz::expect_usage_error("recover_fleet",
                                [&] { recovered = fleet::recover_fleet(job(), true); })) {
    return 0;
  }
  try {
    const auto back = results::result_from_json_text(results::to_json_text(recovered->result));
    (void)results::to_json_text(back);
  } catch (const std::exception& e) {
    fuzz::finding("recovered result round trip", e);
  }
  return 0;
}
