// The RAPL powercap reader: a package domain's name, max_energy_range_uj and a sequence of
// energy_uj readings, one per line of the input, written to real files in a scratch powercap
// tree and read through the production reader. Opening must answer a meter or a reason;
// windows over the readings must give joules or a DeviceError, never a crash or UB.
#include <fcntl.h>

#include <chrono>
#include <vector>

#include "common/error.hpp"
#include "energy/rapl_meter.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace hashflop;
namespace fs = std::filesystem;

const fs::path& domain() {
  static const fs::path d = [] {
    const fs::path root = fuzz::scratch_dir() / "powercap";
    fs::create_directories(root / "intel-rapl:0");
    // A sub-domain the reader must skip: it is part of package 0 and would double count.
    fs::create_directories(root / "intel-rapl:0:0");
    fuzz::write_file(root / "intel-rapl:0:0" / "energy_uj", "not read");
    return root / "intel-rapl:0";
  }();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)domain();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto lines = fuzz::lines_of(fuzz::as_text(data, size));
  const fs::path& dir = domain();
  const auto line = [&](size_t i) { return i < lines.size() ? lines[i] : std::string_view(); };
  fuzz::write_file(dir / "name", line(0));
  fuzz::write_file(dir / "max_energy_range_uj", line(1));
  // Each read of energy_uj sees the next reading; the last one repeats.
  size_t next = 2;
  const auto system = energy::system_file_reader();
  const energy::FileReader reader = [&](const fs::path& path) {
    if (path.filename() == "energy_uj" && path.parent_path() == dir) {
      fuzz::write_file(path, line(std::min(next, std::max<size_t>(lines.size(), 3) - 1)));
      ++next;
    }
    return system(path);
  };
  // A poll period far beyond the run: every read is one of begin() and end()'s own.
  auto opened = energy::open_rapl(dir.parent_path(), reader, std::chrono::hours(1));
  if (auto* meter = std::get_if<std::unique_ptr<energy::EnergyMeter>>(&opened)) {
    for (size_t window = 0; window < 4 && next < lines.size() + 1; ++window) {
      fuzz::expect_error("rapl window", [&] {
        const auto mark = (*meter)->begin();
        const auto w = (*meter)->end(mark);
        if (w.joules && *w.joules < 0) fuzz::finding("rapl window", "negative joules");
      });
    }
    (void)(*meter)->source();
  }
  return 0;
}
