// What `hashflop mine` searched and found, with the header and target it was asked about. Its
// JSON is mine_json.cpp; its text is report/mine_text.cpp.
#pragma once

#include <string>

#include "mine/mine_types.hpp"

namespace hashflop::results {

struct MineRecord {
  MineResult result;        ///< result.device is the device's id
  std::string device_name;  ///< the device's model name
  std::string header;       ///< the 80-byte header, 160 hex digits
  std::string target;       ///< 64 hex digits
  double difficulty = 0;    ///< of the target (1 = nBits 1d00ffff)
  bool interrupted = false;
};

/// One JSON object, `hashflop mine --json`'s output, ending in a newline.
std::string format_json(const MineRecord& record);

}  // namespace hashflop::results
