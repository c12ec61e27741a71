#include "energy/rapl_meter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <regex>

#include <fmt/format.h>

#include "common/error.hpp"
#include "energy/file_meter.hpp"

namespace hashflop::energy {
namespace fs = std::filesystem;
namespace {

// No CPU package draws anywhere near this (the largest server parts are rated around 500 W);
// a counter step that implies more is a reset or garbage, not energy.
constexpr double max_plausible_package_watts = 5000;

struct Domain {
  fs::path dir;
  std::string name;
  uint64_t max_range_uj = 0;
  uint64_t last_uj = 0;
  std::chrono::steady_clock::time_point last_read;
};

// Digits only: strtoull alone takes "-1" as 2^64 - 1 and " 12abc" as 12.
uint64_t parse_uj(const std::string& text, const fs::path& path) {
  const bool digits =
      !text.empty() && text.size() <= 20 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = digits ? std::strtoull(text.c_str(), &end, 10) : 0;
  if (!digits || errno != 0) {
    throw DeviceError(fmt::format("{}: not a counter value: '{}'", path.string(), text));
  }
  return v;
}

std::string permission_message(const fs::path& path) {
  return fmt::format(
      "cannot read {}: permission denied. Since Linux 5.10 the RAPL energy counters are "
      "readable by root only (a power side channel, CVE-2020-8694). Grant read access with "
      "`sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj` (until reboot), or a udev "
      "rule such as ACTION==\"add\", SUBSYSTEM==\"powercap\", RUN+=\"/bin/chmod a+r "
      "/sys%p/energy_uj\", or run hashflop as root",
      path.string());
}

// The package domains' counters, summed; each wraps at its own range.
struct RaplSource {
  static constexpr EnergyMethod method = EnergyMethod::rapl;
  std::vector<Domain> domains;
  FileReader reader;
  uint64_t total_uj = 0;

  std::string describe() const {
    return fmt::format("RAPL {} (powercap, package domains)", joined_names(domains, &Domain::name));
  }

  PolledMeter::Reading read() {
    for (auto& d : domains) {
      const auto path = d.dir / "energy_uj";
      const uint64_t now = parse_uj(reader(path), path);
      const auto when = std::chrono::steady_clock::now();
      const double seconds = std::chrono::duration<double>(when - d.last_read).count();
      const uint64_t last = d.last_uj;
      d.last_uj = now;
      d.last_read = when;
      if (now > d.max_range_uj) {
        throw DeviceError(fmt::format("RAPL {}: counter {} µJ is past its range {} µJ", d.name, now,
                                      d.max_range_uj));
      }
      // The counter wraps at max_energy_range_uj; polling keeps it to one wrap per read. A step
      // back is a wrap only if the wrapped step fits the time at a power a package can draw.
      const uint64_t delta = now >= last ? now - last : d.max_range_uj - last + now;
      const double watts = static_cast<double>(delta) * 1e-6 / std::max(seconds, 1e-3);
      if (watts > max_plausible_package_watts) {
        throw DeviceError(fmt::format(
            "RAPL {}: counter went from {} to {} µJ in {:.3f} s, {:.0f} W: not a plausible {}; "
            "energy over this step is unknown",
            d.name, last, now, seconds, watts, now >= last ? "step" : "wrap"));
      }
      total_uj += delta;
    }
    PolledMeter::Reading r;
    r.counter_joules = static_cast<double>(total_uj) * 1e-6;
    return r;
  }
};

}  // namespace

FileReader system_file_reader() {
  return [](const fs::path& path) {
    int fd = -1;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);  // Ctrl-C's handler does not restart calls
    if (fd < 0) {
      const int e = errno;
      throw FileReadError(fmt::format("cannot open {}: {}", path.string(), std::strerror(e)), e);
    }
    std::string out;
    char buf[256];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        ::close(fd);
        throw FileReadError(fmt::format("cannot read {}: {}", path.string(), std::strerror(e)), e);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  };
}

fs::path powercap_root() {
  return root_from_env("HASHFLOP_POWERCAP_ROOT", "/sys/class/powercap");
}

std::variant<std::unique_ptr<EnergyMeter>, std::string> open_rapl(
    const fs::path& root, const FileReader& reader, std::chrono::milliseconds period) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return fmt::format(
        "no powercap interface at {} (no RAPL driver loaded, or a VM or container that hides it)",
        root.string());
  }
  // Package domains are exactly intel-rapl:N; intel-rapl:N:M are their sub-domains.
  static const std::regex package(R"(intel-rapl:[0-9]+)");
  std::vector<Domain> domains;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, package)) continue;
    Domain d;
    d.dir = entry.path();
    try {
      d.name = reader(d.dir / "name");
      d.max_range_uj =
          parse_uj(reader(d.dir / "max_energy_range_uj"), d.dir / "max_energy_range_uj");
      d.last_uj = parse_uj(reader(d.dir / "energy_uj"), d.dir / "energy_uj");
      d.last_read = std::chrono::steady_clock::now();
      if (d.max_range_uj == 0) {
        return fmt::format("{}: max_energy_range_uj is 0, so the counter cannot wrap as RAPL's do",
                           d.dir.string());
      }
    } catch (const FileReadError& e) {
      if (e.errno_value == EACCES || e.errno_value == EPERM) {
        return permission_message(d.dir / "energy_uj");
      }
      return std::string(e.what());
    } catch (const DeviceError& e) {
      return std::string(e.what());
    }
    domains.push_back(std::move(d));
  }
  if (domains.empty()) {
    return fmt::format("no RAPL package domain (intel-rapl:N) under {}", root.string());
  }
  std::sort(domains.begin(), domains.end(),
            [](const Domain& a, const Domain& b) { return a.dir < b.dir; });
  return open_file_meter(RaplSource{std::move(domains), reader}, period);
}

}  // namespace hashflop::energy
