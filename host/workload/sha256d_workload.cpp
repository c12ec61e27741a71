// sha256d on the CPU as a measured workload: real nonce search over a real header, never
// repeating a nonce within the process (BIP 320 version rolls when a header's 2^32 run out).
#include <algorithm>

#include <fmt/format.h>

#include "bitcoin/target.hpp"
#include "bitcoin/version_rolling.hpp"
#include "common/error.hpp"
#include "common/periodic_thread.hpp"
#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_headers.hpp"
#include "mine/known_nonces.hpp"
#include "tune/cpu_sha256d_choice.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {
namespace {

// Sets `cancel` at the deadline, or as soon as `stop` is set.
class Watchdog {
 public:
  Watchdog(std::chrono::duration<double> d, const std::atomic<bool>& stop,
           std::atomic<bool>& cancel)
      : thread_(std::chrono::milliseconds(5),
                [&stop, &cancel, deadline = std::chrono::steady_clock::now() + d] {
                  if (stop || std::chrono::steady_clock::now() >= deadline) cancel = true;
                  return !cancel;
                }) {}

 private:
  PeriodicThread thread_;
};

class CpuSha256d final : public Workload {
 public:
  CpuSha256d(const cpu::Sha256dVariant& variant, unsigned threads,
             std::optional<results::Selection> selection)
      : variant_(variant),
        threads_(threads),
        selection_(std::move(selection)),
        base_(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex)) {}

  WorkloadKind workload() const override { return WorkloadKind::sha256d; }
  std::string variant() const override { return std::string(variant_.name); }
  std::string work_unit() const override { return "hash"; }
  DeviceRef device() const override { return {DeviceKind::cpu, 0}; }
  Record params() const override {
    return {{"threads", threads_ != 0 ? threads_ : cpu::cpu_info().logical_cores},
            {"header", "genesis block, BIP 320 version rolled"},
            {"target_bits", fmt::format("{:08x}", base_.bits())}};
  }
  std::optional<results::Selection> selection() const override { return selection_; }
  Check verify() override {
    return verify_known_nonces(
        [this](const MineRequest& r) { return cpu::search_range(r, variant_); }, variant());
  }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    std::atomic<bool> cancel{false};
    uint64_t tried = 0;
    Watchdog dog(duration, stop, cancel);
    while (!cancel) {
      MineRequest req(rolled_header(base_, roll_));
      req.start = static_cast<uint32_t>(cursor_);
      req.count = nonce_space - cursor_;
      req.target = bitcoin::target_from_bits(base_.bits());
      req.threads = threads_;
      req.cancel = &cancel;
      const auto r = cpu::search_range(req, variant_);
      if (r.mismatches != 0) {
        throw Error(fmt::format("sha256d {}: {} candidates failed the scalar re-check", variant(),
                                r.mismatches));
      }
      tried += r.nonces_tried;
      cursor_ += r.nonces_tried;
      if (cursor_ >= nonce_space) {
        cursor_ = 0;
        roll_ = roll_ == bip320_last_roll ? 0 : roll_ + 1;
      }
    }
    return static_cast<double>(tried);
  }

 private:
  const cpu::Sha256dVariant& variant_;
  unsigned threads_;
  std::optional<results::Selection> selection_;
  bitcoin::BlockHeader base_;
  uint64_t cursor_ = 0;
  uint32_t roll_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_cpu_sha256d(const cpu::Sha256dVariant& variant, unsigned threads,
                                           std::optional<results::Selection> selection) {
  return std::make_unique<CpuSha256d>(variant, threads, std::move(selection));
}

std::unique_ptr<Workload> make_cpu_sha256d(unsigned threads, const tune::TuneSettings& settings) {
  const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
  auto c = tune::choose_cpu_sha256d("", {header, bitcoin::target_from_bits(header.bits()), threads},
                                    settings);
  return make_cpu_sha256d(*c.variant, threads, std::move(c.selection));
}

}  // namespace hashflop::workload
