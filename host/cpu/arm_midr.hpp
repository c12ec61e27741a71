// Names Arm cores from their Main ID Register (MIDR_EL1): implementer [31:24], variant [23:20],
// part number [15:4], revision [3:0]. Linux exposes one MIDR per core in sysfs and the same
// fields in /proc/cpuinfo. Portable code, so both parsers are tested on any host.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hashflop::cpu {

/// "ARM Neoverse V2", "NVIDIA Carmel"; for a part not in the table "ARM part 0xd99", for an
/// unknown implementer "implementer 0x12 part 0x345".
std::string arm_core_name(uint32_t midr);

/// One line for a whole CPU from one MIDR per logical core, most numerous core type first:
/// "ARM Neoverse V2 x72 (MIDR 0x410fd4f0)", or for a big.LITTLE part
/// "ARM Cortex-X925 x10 (MIDR 0x411fd850) + ARM Cortex-A725 x10 (MIDR 0x410fd870)".
/// Empty when `midrs` is.
std::string describe_arm_cores(std::span<const uint32_t> midrs);

/// The MIDRs in /proc/cpuinfo text: one per processor block that has "CPU implementer" and
/// "CPU part" lines (variant and revision default to 0). Empty for an x86 cpuinfo.
std::vector<uint32_t> midrs_from_cpuinfo(std::string_view text);

/// The MIDRs in <cpu_root>/cpuN/regs/identification/midr_el1 (cpu_root is normally
/// /sys/devices/system/cpu), in cpu order; empty when there are none (not aarch64, or an old
/// kernel).
std::vector<uint32_t> midrs_from_sysfs(const std::filesystem::path& cpu_root);

}  // namespace hashflop::cpu
