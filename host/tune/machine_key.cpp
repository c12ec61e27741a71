#include "tune/machine_key.hpp"

#include <elf.h>
#include <link.h>

#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cpu/cpu_info.hpp"
#include "results/result.hpp"

namespace hashflop::tune {
namespace {

// Walks the main program's PT_NOTE segments for NT_GNU_BUILD_ID (owner "GNU"). The first object
// dl_iterate_phdr reports is the executable itself.
int find_build_id(dl_phdr_info* info, size_t /*size*/, void* out) {
  auto& id = *static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    const auto* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note{};
      std::memcpy(&note, p, sizeof note);
      const auto* name = p + sizeof note;
      const auto* desc = name + ((note.n_namesz + 3) & ~3u);
      if (desc + note.n_descsz > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0) {
        for (unsigned k = 0; k < note.n_descsz; ++k) id += fmt::format("{:02x}", desc[k]);
        return 1;
      }
      p = desc + ((note.n_descsz + 3) & ~3u);
    }
  }
  return 1;  // only the first object: the executable
}

}  // namespace

std::string build_id() {
  static const std::string id = [] {
    std::string found;
    dl_iterate_phdr(find_build_id, &found);
    if (!found.empty()) return found;
    return fmt::format("{}-{}-{} {}", HASHFLOP_VERSION, results::git_commit(), __DATE__, __TIME__);
  }();
  return id;
}

Record cpu_key(unsigned threads) {
  const auto& cpu = cpu::cpu_info();
  return {{"device", "cpu"},
          {"cpu_model", cpu.model},
          {"cpu_signature", cpu.signature},
          {"microcode", cpu.microcode},
          {"features", fmt::format("{}", fmt::join(cpu.feature_names(), " "))},
          {"threads", threads != 0 ? threads : cpu.logical_cores},
          {"hashflop_version", HASHFLOP_VERSION},
          {"build_id", build_id()}};
}

Record gpu_key(const GpuIdentity& gpu) {
  return {{"device", "cuda"},
          {"gpu", gpu.name},
          {"compute_capability", gpu.compute_capability},
          {"sms", gpu.sm_count},
          {"driver", gpu.driver},
          {"cuda_runtime", gpu.runtime},
          {"hashflop_version", HASHFLOP_VERSION},
          {"build_id", build_id()}};
}

}  // namespace hashflop::tune
