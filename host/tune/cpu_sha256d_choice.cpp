#include "tune/cpu_sha256d_choice.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/error.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_nonces.hpp"
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

  double trial(std::string_view name) override {
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
    const double rate = r.hashes_per_second();
    last_rate_[std::string(name)] = rate;
    return rate;
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
  const auto& fallback = cpu::best_sha256d_variant(features);
  const unsigned threads = inputs.threads != 0 ? inputs.threads : cpu::cpu_info().logical_cores;
  const auto key = cpu_key(threads);

  // A forced variant reads the wisdom only to record what the others measured: quietly.
  // Without a calibration to follow, a stale entry changes nothing worth a line either.
  const bool quiet = !forced.empty() || !(settings.calibrate || settings.recalibrate);
  std::optional<Wisdom> wisdom;
  std::optional<results::Selection> known;
  if (settings.use_wisdom) {
    wisdom =
        Wisdom::load(settings.wisdom_path.empty() ? default_wisdom_path() : settings.wisdom_path);
    if (!wisdom->warning().empty() && forced.empty()) settings.say(wisdom->warning());
    std::string stale;
    known = wisdom->find(sha256d_workload, sha256d_problem, key, &stale);
    if (known && !std::any_of(cpu::sha256d_variants().begin(), cpu::sha256d_variants().end(),
                              [&](const auto& v) {
                                return v.name == known->choice && v.supported(features);
                              })) {
      stale = fmt::format("it names {}, which this build or CPU does not run", known->choice);
      known.reset();
    }
    if (!known && !stale.empty() && !quiet)
      settings.say(fmt::format("sha256d: wisdom entry not used ({})", stale));
  }

  if (!forced.empty()) {
    Sha256dChoice c{&cpu::sha256d_variant(forced, features), {}};
    c.selection.chosen_by = results::ChosenBy::forced;
    c.selection.choice = std::string(forced);
    c.selection.reason = "named with --variant";
    if (known) {  // what a calibration of this machine measured, for comparison
      c.selection.candidates = known->candidates;
      c.selection.calibrated_at = known->calibrated_at;
      c.selection.calibration_seconds = known->calibration_seconds;
    }
    return c;
  }
  if (known && !settings.recalibrate) {
    Sha256dChoice c{&cpu::sha256d_variant(known->choice, features), *known};
    c.selection.chosen_by = results::ChosenBy::wisdom;
    if (!quiet)
      settings.say(fmt::format("sha256d: {} from wisdom (calibrated {} on {} threads: {})",
                               known->choice, known->calibrated_at, threads,
                               rates_line(*known, "hash", false)));
    return c;
  }
  if (!settings.calibrate && !settings.recalibrate) {
    Sha256dChoice c{&fallback, {}};
    c.selection.chosen_by = results::ChosenBy::cpuid;
    c.selection.choice = std::string(fallback.name);
    c.selection.reason = "by CPUID, not yet calibrated (hashflop tune measures every variant)";
    return c;
  }

  CalibrationPlan plan;
  plan.fallback = std::string(fallback.name);
  for (const auto& v : cpu::sha256d_variants()) {
    if (v.supported(features)) plan.candidates.emplace_back(v.name);
  }
  settings.say(fmt::format("sha256d: calibrating {} variants on {} threads", plan.candidates.size(),
                           threads));
  std::unique_ptr<Probe> own;
  if (probe == nullptr) {
    own = make_cpu_sha256d_probe({inputs.header, inputs.target, threads});
    probe = own.get();
  }
  Sha256dChoice c{nullptr, calibrate(plan, *probe)};
  c.variant = &cpu::sha256d_variant(c.selection.choice, features);
  settings.say(fmt::format("sha256d: {} chosen by measurement in {:.2f} s ({})", c.selection.choice,
                           *c.selection.calibration_seconds,
                           rates_line(c.selection, "hash", false)));
  if (wisdom) {
    store_choice(*wisdom,
                 {std::string(sha256d_workload), std::string(sha256d_problem), key, c.selection},
                 settings);
  }
  return c;
}

}  // namespace hashflop::tune
