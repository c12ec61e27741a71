// The median every summary in hashflop uses: of the values as given, the mean of the middle two
// for an even count, NaN for none.
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

namespace hashflop {

inline double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return (*std::max_element(v.begin(), mid) + *mid) / 2;
}

}  // namespace hashflop
