#include "common/measure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/median.hpp"

namespace hashflop::measure {

Summary summarize(std::span<const Trial> trials) {
  Summary s;
  s.trials = trials.size();
  std::vector<double> rates;
  for (const auto& t : trials) {
    s.work += t.work;
    s.seconds += t.seconds;
    rates.push_back(t.rate());
  }
  s.rate = s.seconds > 0 ? s.work / s.seconds : 0;
  if (rates.empty()) {
    s.median_rate = s.min_rate = s.max_rate = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  const auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
  s.min_rate = *lo;
  s.max_rate = *hi;
  s.median_rate = median(std::move(rates));
  return s;
}

bool Series::warmup_agrees() const {
  const size_t n = warmup_.size();
  if (n < 2) return false;
  const double a = warmup_[n - 1].rate(), b = warmup_[n - 2].rate();
  return std::abs(a - b) <= plan_.stable_within * b;
}

bool Series::warming_up() const {
  if (warmed_) return false;
  if (static_cast<int>(warmup_.size()) >= plan_.warmup) return false;
  return plan_.stable_within <= 0 || !warmup_agrees();
}

void Series::add(const Trial& t) {
  if (warming_up()) {
    warmup_.push_back(t);
    return;
  }
  warmed_ = true;
  timed_.push_back(t);
}

bool Series::stable() const {
  if (plan_.stable_within <= 0) return static_cast<int>(warmup_.size()) >= plan_.warmup;
  return warmup_agrees();
}

Series run_series(const Plan& plan, const std::function<std::optional<Trial>(bool)>& trial,
                  const std::atomic<bool>* stop) {
  Series series(plan);
  while (!series.done() && (stop == nullptr || !*stop)) {
    const auto t = trial(series.warming_up());
    if (!t) break;
    series.add(*t);
  }
  return series;
}

}  // namespace hashflop::measure
