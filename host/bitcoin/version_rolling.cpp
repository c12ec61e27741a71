#include "bitcoin/version_rolling.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop {

// The 16 rollable bits are contiguous, so an index maps onto them with one shift.
static_assert(bip320_version_mask == (uint32_t{0xffff} << bip320_first_bit));
static_assert(bip320_last_roll == 0xffff);

bitcoin::BlockHeader rolled_header(const bitcoin::BlockHeader& base, uint32_t index) {
  if (index > bip320_last_roll) {
    throw UsageError(
        fmt::format("BIP 320 roll {} is past the last one ({}): 16 version bits give "
                    "{} distinct headers",
                    index, bip320_last_roll, uint64_t{bip320_last_roll} + 1));
  }
  const auto version = static_cast<uint32_t>(base.version()) ^ (index << bip320_first_bit);
  return base.with_version(static_cast<int32_t>(version));
}

}  // namespace hashflop
