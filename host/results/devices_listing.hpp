// The `devices` command's JSON (results/devices_json.cpp).
#pragma once

#include <string>
#include <vector>

#include "results/result.hpp"

namespace hashflop::results {

/// {"devices": [...], "cuda_unavailable": [...]}, indented by 2, without a final newline.
std::string devices_listing_json(const std::vector<DeviceRecord>& devices,
                                 const std::vector<std::string>& cuda_unavailable);

}  // namespace hashflop::results
