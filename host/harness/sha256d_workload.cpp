// sha256d as a measured workload: real nonce search over a real header, never repeating a
// nonce within the process (the CPU rolls BIP 320 version bits when a header's 2^32 run out).
#include <algorithm>

#include <fmt/format.h>

#include "backend/cuda/version_rolling.hpp"
#include "bitcoin/target.hpp"
#include "common/error.hpp"
#include "common/periodic_thread.hpp"
#include "cpu/cpu_info.hpp"
#include "harness/workload.hpp"
#include "mine/cpu_search.hpp"
#include "mine/known_headers.hpp"

#ifdef HASHFLOP_HAVE_CUDA
#include "backend/cuda/autotune.hpp"
#include "backend/cuda/cuda_search.hpp"
#endif

namespace hashflop::harness {
namespace {

bitcoin::BlockHeader base_header() {
  return bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
}

// Known-nonce check through the backend: each known header's nonce must be found, with its hash.
Verdict verify_known(Backend& backend, const std::string& variant) {
  for (const auto& k : known_headers()) {
    MineRequest req(bitcoin::BlockHeader::parse_hex(k.header_hex));
    req.start = k.nonce >= 2048 ? k.nonce - 2048 : 0;
    req.count = 4096;
    req.target = bitcoin::target_from_bits(req.header.bits());
    req.variant = variant;
    const auto r = backend.mine(req);
    const bool ok = r.mismatches == 0 && r.nonces_tried == req.count &&
                    std::any_of(r.found.begin(), r.found.end(), [&](const FoundNonce& f) {
                      return f.nonce == k.nonce && f.hash_hex == k.hash_hex;
                    });
    if (!ok) {
      return {"failed", fmt::format("{}: nonce {} not found with hash {} ({} mismatches)", k.name,
                                    k.nonce, k.hash_hex, r.mismatches)};
    }
  }
  return {"passed", fmt::format("found the known nonces of {} headers (genesis, block 125552)",
                                known_headers().size())};
}

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
  CpuSha256d(Backend& backend, unsigned threads)
      : backend_(backend),
        variant_(cpu::best_sha256d_variant(cpu::cpu_info().features)),
        threads_(threads),
        base_(base_header()) {}

  std::string workload() const override { return "sha256d"; }
  std::string variant() const override { return std::string(variant_.name); }
  std::string work_unit() const override { return "hash"; }
  nlohmann::json params() const override {
    return {{"threads", threads_ != 0 ? threads_ : cpu::cpu_info().logical_cores},
            {"header", "genesis block, BIP 320 version rolled"},
            {"target_bits", fmt::format("{:08x}", base_.bits())}};
  }
  Verdict verify() override { return verify_known(backend_, variant()); }

  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    std::atomic<bool> cancel{false};
    uint64_t tried = 0;
    {
      Watchdog dog(duration, stop, cancel);
      while (!cancel) {
        // The header's version with roll_ XORed into the BIP 320 bits (0x1fffe000).
        const auto version =
            static_cast<int32_t>(static_cast<uint32_t>(base_.version()) ^
                                 ((roll_ << bip320_first_bit) & bip320_version_mask));
        MineRequest req(base_.with_version(version));
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
          roll_ = (roll_ + 1) % (bip320_last_roll + 1);
        }
      }
    }
    return static_cast<double>(tried);
  }

 private:
  Backend& backend_;
  const cpu::Sha256dVariant& variant_;
  unsigned threads_;
  bitcoin::BlockHeader base_;
  uint64_t cursor_ = 0;
  uint32_t roll_ = 0;
};

#ifdef HASHFLOP_HAVE_CUDA
class CudaSha256d final : public Workload {
 public:
  CudaSha256d(Backend& backend, int index)
      : backend_(backend), index_(index), base_(base_header()) {
    const auto job =
        sha256d::make_job(base_.bytes().data(), bitcoin::target_from_bits(base_.bits()).top_word());
    geometry_ = cuda::autotune(index_, job, 0).best;
  }
  std::string workload() const override { return "sha256d"; }
  std::string variant() const override {
    return std::string(cuda::variant_name(geometry_.variant));
  }
  std::string work_unit() const override { return "hash"; }
  nlohmann::json params() const override {
    return {{"geometry", geometry_.label()},
            {"header", "genesis block, BIP 320 version rolled"},
            {"target_bits", fmt::format("{:08x}", base_.bits())}};
  }
  Verdict verify() override { return verify_known(backend_, variant()); }
  double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) override {
    std::atomic<bool> cancel{false};
    MineRequest req(base_);
    req.start = 0;
    req.count = nonce_space;
    req.target = bitcoin::target_from_bits(base_.bits());
    req.cancel = &cancel;
    Watchdog dog(duration + std::chrono::seconds(1), stop, cancel);  // run_for keeps the deadline
    const auto r = cuda::run_for(index_, req, duration, geometry_);
    if (r.mismatches != 0) {
      throw Error(fmt::format("sha256d {}: {} candidates failed the scalar re-check", variant(),
                              r.mismatches));
    }
    return static_cast<double>(r.nonces_tried);
  }

 private:
  Backend& backend_;
  int index_;
  bitcoin::BlockHeader base_;
  cuda::LaunchGeometry geometry_;
};
#endif

}  // namespace

std::unique_ptr<Workload> make_cpu_sha256d(Backend& backend, unsigned threads) {
  return std::make_unique<CpuSha256d>(backend, threads);
}

std::unique_ptr<Workload> make_cuda_sha256d([[maybe_unused]] Backend& backend,
                                            [[maybe_unused]] int index) {
#ifdef HASHFLOP_HAVE_CUDA
  return std::make_unique<CudaSha256d>(backend, index);
#else
  throw DeviceError("CUDA backend not compiled in");
#endif
}

}  // namespace hashflop::harness
