#include "report/market.hpp"

#include "common/data_files.hpp"
#include "common/error.hpp"

namespace hashflop::report {
namespace fs = std::filesystem;

fs::path default_market_path() {
  const auto file = data_file("market/2025-11.json");
  if (!file) {
    throw UsageError(
        "no market file: hashflop's data directory (share/hashflop beside the binary, or "
        "$HASHFLOP_DATA_DIR) is missing; give one with --market");
  }
  return *file;
}

}  // namespace hashflop::report
