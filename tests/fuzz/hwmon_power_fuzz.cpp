// The hwmon power reader (NVIDIA Grace's ACPI power meters): two sensors' labels, an averaging
// interval and a sequence of microwatt readings, one per line of the input, written to real
// files in a scratch hwmon tree and read through the production reader. Opening must answer a
// meter or a reason; windows over the readings must give joules or a DeviceError, never a
// crash, a stray exception or UB.
#include <chrono>
#include <vector>

#include "common/error.hpp"
#include "energy/hwmon_meter.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace hashflop;
namespace fs = std::filesystem;

// hwmon0 keeps its attributes in device/ (Grace's kernels), hwmon1 beside its name; hwmon2 is
// another driver the reader must pass over.
const fs::path& root() {
  static const fs::path r = [] {
    const fs::path root = fuzz::scratch_dir() / "hwmon";
    fs::create_directories(root / "hwmon0" / "device");
    fs::create_directories(root / "hwmon1");
    fs::create_directories(root / "hwmon2");
    fuzz::write_file(root / "hwmon0" / "name", "power_meter");
    fuzz::write_file(root / "hwmon1" / "name", "power_meter");
    fuzz::write_file(root / "hwmon2" / "name", "k10temp");
    fuzz::write_file(root / "hwmon2" / "temp1_input", "45000");
    return root;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)root();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto lines = fuzz::lines_of(fuzz::as_text(data, size));
  const auto line = [&](size_t i) { return i < lines.size() ? lines[i] : std::string_view(); };
  const fs::path a = root() / "hwmon0" / "device", b = root() / "hwmon1";
  fuzz::write_file(a / "power1_oem_info", line(0));
  fuzz::write_file(b / "power1_oem_info", line(1));
  fuzz::write_file(a / "power1_average_interval", line(2));
  fuzz::write_file(a / "power1_average", line(3));
  fuzz::write_file(b / "power1_input", line(4));
  // Each read of a power file after the first sees the next reading; the last one repeats.
  size_t next = 5;
  const auto system = energy::system_file_reader();
  const energy::FileReader reader = [&](const fs::path& path) {
    const auto name = path.filename();
    if ((name == "power1_average" || name == "power1_input") && next < lines.size()) {
      fuzz::write_file(path, lines[next++]);
    }
    return system(path);
  };
  std::variant<std::unique_ptr<energy::EnergyMeter>, std::string> opened;
  fuzz::expect_error("open_hwmon",
                     [&] { opened = energy::open_hwmon(root(), reader, std::chrono::hours(1)); });
  if (auto* meter = std::get_if<std::unique_ptr<energy::EnergyMeter>>(&opened)) {
    for (size_t window = 0; window < 4; ++window) {
      fuzz::expect_error("hwmon window", [&] {
        const auto mark = (*meter)->begin();
        const auto w = (*meter)->end(mark);
        if (w.joules && *w.joules < 0) fuzz::finding("hwmon window", "negative joules");
      });
    }
    (void)(*meter)->source();
  }
  return 0;
}
