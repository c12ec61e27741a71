// `hashflop devices --json`: every device's entry, as a results file's `devices` holds it, and
// why CUDA could not be used.
#include "results/devices_listing.hpp"
#include "results/json_parts.hpp"

namespace hashflop::results {

std::string devices_listing_json(const std::vector<DeviceRecord>& devices,
                                 const std::vector<std::string>& cuda_unavailable) {
  const nlohmann::json out{{"devices", json_parts::devices_json(devices)},
                           {"cuda_unavailable", cuda_unavailable}};
  return out.dump(2);
}

}  // namespace hashflop::results
