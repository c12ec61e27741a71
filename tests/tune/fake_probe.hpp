// A stand-in for the calibration's clock: rates by candidate name, a candidate that fails its
// check and one whose trials find a mismatch. Records every trial in order.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "tune/calibrate.hpp"

namespace hashflop::test {

// Rates by name; `wrong` fails its check, `throws` fails its trials. Records every trial.
struct FakeProbe final : hashflop::tune::Probe {
  std::map<std::string, double, std::less<>> rates;
  std::string wrong, throws;
  std::vector<std::string> trials;

  hashflop::Check verify(std::string_view name) override {
    return name == wrong ? hashflop::Check{hashflop::Verdict::incorrect, "nonce not found"}
                         : hashflop::Check{hashflop::Verdict::passed, "ok"};
  }
  // Each trial is one second of work at the candidate's rate.
  hashflop::measure::Trial trial(std::string_view name) override {
    trials.emplace_back(name);
    if (name == throws) throw hashflop::Error("3 candidates failed the scalar re-check");
    const auto it = rates.find(name);
    return {it == rates.end() ? 1.0 : it->second, 1.0};  // unnamed candidates are slow
  }
};

}  // namespace hashflop::test
