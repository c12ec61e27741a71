#include "tune/cpu_sha256d_choice.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "common/error.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_nonces.hpp"
#include "tune/chooser.hpp"
#include "tune/machine_key.hpp"
#include "tune/wisdom.hpp"

namespace hashflop::tune {
namespace {

// Each timed trial lasts about this long: long enough that starting the threads (tens of
// microseconds) and the last uneven chunk are noise, short enough that five rounds of five
// variants take about a second.
constexpr double kTrialSeconds = 0.03;
// Nonces each thread takes per chunk in cpu_search.cpp; a trial is whole chunks per thread.
constexpr uint64_t kChunkNonces = uint64_t{1} << 16;

class CpuSha256dProbe final : public Probe {
 public:
  explicit CpuSha256dProbe(const Sha256dInputs& inputs)
      : inputs_(inputs),
        threads_(inputs.threads != 0 ? inputs.threads : cpu::cpu_info().logical_cores) {}

  // The same check `verify` and the measured workload make, on one thread.
  Check verify(std::string_view name) override {
    const auto& v = cpu::sha256d_variant(name, cpu::cpu_info().features);
    return verify_known_nonces(
        [&v](const MineRequest& r) {
          auto one_thread = r;
          one_thread.threads = 1;
          return cpu::search_range(one_thread, v);
        },
        std::string(name));
  }

  measure::Trial trial(std::string_view name) override {
    const auto& v = cpu::sha256d_variant(name, cpu::cpu_info().features);
    // Sized from this variant's last rate; the first (warm-up) trial is one chunk per thread.
    const auto it = last_rate_.find(std::string(name));
    const uint64_t unit = kChunkNonces * threads_;
    const uint64_t wanted =
        it == last_rate_.end() ? unit : static_cast<uint64_t>(it->second * kTrialSeconds);
    const uint64_t count = std::max(unit, (wanted + unit - 1) / unit * unit);
    if (cursor_ + count > nonce_space) cursor_ = 0;
    MineRequest req(inputs_.header);
    req.start = static_cast<uint32_t>(cursor_);
    req.count = count;
    req.target = inputs_.target;
    req.threads = threads_;
    req.max_listed = 0;
    const auto r = cpu::search_range(req, v);
    cursor_ += count;
    if (r.mismatches != 0)
      throw Error(fmt::format("{} candidates failed the scalar re-check", r.mismatches));
    const measure::Trial trial{static_cast<double>(r.nonces_tried), r.seconds};
    last_rate_[std::string(name)] = trial.rate();
    return trial;
  }

 private:
  Sha256dInputs inputs_;
  unsigned threads_;
  uint64_t cursor_ = 0;
  std::map<std::string, double, std::less<>> last_rate_;
};

}  // namespace

std::unique_ptr<Probe> make_cpu_sha256d_probe(const Sha256dInputs& inputs) {
  return std::make_unique<CpuSha256dProbe>(inputs);
}

Sha256dChoice choose_cpu_sha256d(std::string_view forced, const Sha256dInputs& inputs,
                                 const TuneSettings& settings, Probe* probe) {
  const auto& features = cpu::cpu_info().features;
  const unsigned threads = inputs.threads != 0 ? inputs.threads : cpu::cpu_info().logical_cores;
  // An unknown or unsupported name fails here, before anything is read or measured.
  if (!forced.empty()) (void)cpu::sha256d_variant(forced, features);

  ChoiceSpec spec;
  spec.head = "sha256d";
  spec.where = {std::string(sha256d_workload), std::string(sha256d_problem), cpu_key(threads), {}};
  for (const auto& v : cpu::sha256d_variants()) {
    if (v.supported(features)) spec.candidates.emplace_back(v.name);
  }
  spec.fallback = std::string(cpu::best_sha256d_variant(features).name);
  spec.fallback_reason = "by CPUID, not yet calibrated (hashflop tune measures every variant)";
  if (!forced.empty()) spec.forced = std::string(forced);
  spec.forced_reason = "named with --variant";
  spec.forced_shows_wisdom = true;
  spec.refuse_stored = [&](const results::Selection& s) {
    return std::find(spec.candidates.begin(), spec.candidates.end(), s.choice) !=
                   spec.candidates.end()
               ? std::string()
               : fmt::format("it names {}, which this build or CPU does not run", s.choice);
  };
  spec.stored_note = [threads](const results::Selection& s) {
    return fmt::format("calibrated {} on {} threads: {}", s.calibrated_at, threads,
                       rates_line(s, "hash", false));
  };
  spec.measuring_line =
      fmt::format("calibrating {} variants on {} threads", spec.candidates.size(), threads);
  spec.probe = probe;
  spec.make_probe = [&] { return make_cpu_sha256d_probe({inputs.header, inputs.target, threads}); };
  spec.rates = [](const results::Selection& s) { return rates_line(s, "hash", false); };

  Sha256dChoice c{nullptr, choose(spec, settings)};
  c.variant = &cpu::sha256d_variant(c.selection.choice, features);
  return c;
}

}  // namespace hashflop::tune
