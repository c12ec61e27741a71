// The check every sha256d workload passes before it is measured: the known nonces of real
// blocks, found through the device's own search.
#pragma once

#include <string>

#include "common/verdict.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {

/// Each known header's nonce must be found, with its hash, by `mine` running `variant`.
Check verify_known_nonces(const MineFn& mine, const std::string& variant);

}  // namespace hashflop::workload
