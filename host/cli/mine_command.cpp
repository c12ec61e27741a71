// `hashflop mine`: searches a real block header's nonces on one device, re-checks every hit
// with the scalar reference and prints what it found.
#include <atomic>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "bitcoin/target.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "cli/validators.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/interrupt.hpp"
#include "common/progress.hpp"
#include "common/units.hpp"
#include "report/mine_text.hpp"
#include "results/mine_record.hpp"

namespace hashflop::cli {
namespace {

struct MineOptions {
  std::string header, start = "0", count, bits, target, difficulty, device = "auto", variant;
  unsigned threads = 0, threads_per_block = 0, nonces_per_thread = 0;
  bool json = false, no_wisdom = false;
};

bitcoin::Uint256 resolve_target(const MineOptions& o, const bitcoin::BlockHeader& header) {
  if (!o.bits.empty()) return bitcoin::target_from_bits_text(o.bits, "--bits");
  if (!o.target.empty()) return bitcoin::target_from_hex_text(o.target, "--target");
  if (!o.difficulty.empty())
    return bitcoin::target_from_difficulty_text(o.difficulty, "--difficulty");
  return bitcoin::target_from_bits(header.bits());
}

// The search, with the plan and a live line (rate, share done, time left) once it has run a
// second; Ctrl-C is acknowledged at once.
MineResult search_with_progress(Backend& backend, const MineRequest& req,
                                const std::atomic<uint64_t>& searched) {
  Progress progress(Progress::stderr_is_tty());
  const auto t0 = std::chrono::steady_clock::now();
  bool planned = false;
  ProgressTicker ticker(progress, [&] {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double done = static_cast<double>(searched.load(std::memory_order_relaxed));
    const double rate = seconds > 0 ? done / seconds : 0;
    const double left = rate > 0 ? (static_cast<double>(req.count) - done) / rate : -1;
    if (InterruptGuard::stop_requested().load()) {
      return std::string("mine: stopping (Ctrl-C); again to abort");
    }
    if (!planned) {
      planned = true;
      return fmt::format("mine: {} nonces on {} from {}; about {} at {}",
                         format_count(static_cast<double>(req.count)), backend.info().id, req.start,
                         format_duration(left), format_rate(rate, "hash"));
    }
    return fmt::format("mine: {} of {} nonces ({}), {}, {} left", format_count(done),
                       format_count(static_cast<double>(req.count)),
                       format_percent(100.0 * done / static_cast<double>(req.count)),
                       format_rate(rate, "hash"), format_duration(left));
  });
  return backend.mine(req);
}

MineRequest make_request(const MineOptions& o) {
  MineRequest req(bitcoin::BlockHeader::parse_hex(o.header));
  const uint64_t start = parse_unsigned(o.start, "--start");
  if (start > 0xffffffffu)
    throw UsageError(fmt::format("--start {}: past the last nonce 4294967295", start));
  req.start = static_cast<uint32_t>(start);
  req.count = o.count.empty() ? nonce_space - start : parse_unsigned(o.count, "--count");
  validate_range(req.start, req.count);
  req.target = resolve_target(o, req.header);
  req.variant = o.variant;
  req.use_wisdom = !o.no_wisdom;
  req.threads = o.threads;
  req.threads_per_block = o.threads_per_block;
  req.nonces_per_thread = o.nonces_per_thread;
  return req;
}

int execute(const MineOptions& o) {
  auto req = make_request(o);
  auto backend = open_backend(DeviceSpec::parse(o.device));
  InterruptGuard interrupt;
  req.cancel = &InterruptGuard::stop_requested();
  std::atomic<uint64_t> searched{0};
  req.searched = &searched;
  const results::MineRecord record{
      .result = search_with_progress(*backend, req, searched),
      .device_name = backend->info().name,
      .header = req.header.hex(),
      .target = req.target.hex(),
      .difficulty = static_cast<double>(bitcoin::difficulty_from_target(req.target)),
      .interrupted = InterruptGuard::stop_requested().load()};
  fmt::print("{}", o.json ? results::format_json(record) : report::format_mine_text(record));
  return record.result.mismatches != 0 ? exit_code::failure
         : record.interrupted          ? InterruptGuard::exit_code()
                                       : exit_code::success;
}

}  // namespace

void add_mine_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "mine",
      "Search nonces of a real 80-byte Bitcoin block header for hashes that meet a target.\n"
      "Every hit is re-checked with the scalar reference. Example (the genesis block):\n"
      "  hashflop mine --header 0100...1dac2b7c --start 2083000000 --count 1000000");
  auto o = std::make_shared<MineOptions>();
  cmd->add_option("--header", o->header, "The header as 160 hex digits (its nonce is ignored)")
      ->required();
  cmd->add_option("--start", o->start, "First nonce (decimal or 0x hex)")->capture_default_str();
  cmd->add_option("--count", o->count,
                  "Nonces to search; default: from --start to the last nonce (2^32 - 1)");
  auto* bits = cmd->add_option("--bits", o->bits, "Target as compact nBits, hex (e.g. 1d00ffff)");
  auto* target = cmd->add_option("--target", o->target, "Target as up to 64 hex digits");
  auto* diff =
      cmd->add_option("--difficulty", o->difficulty, "Target as a difficulty (1 = 1d00ffff)");
  bits->excludes(target)->excludes(diff);
  target->excludes(diff);
  add_device_option(*cmd, o->device);
  cmd->add_option("--variant", o->variant,
                  "Kernel variant; default: the fastest measured on this machine (the wisdom "
                  "file, or a calibration before a search of 2^30 nonces or more), else CPUID's");
  cmd->add_option("--threads", o->threads, "CPU threads; default: all cores")
      ->check(whole_between(1, 4096));
  cmd->add_option("--threads-per-block", o->threads_per_block,
                  "GPU: threads per block; default: from the occupancy API")
      ->check(whole_between(32, 1024));
  cmd->add_option("--nonces-per-thread", o->nonces_per_thread,
                  "GPU: nonces each thread tests per launch; default: autotuned")
      ->check(whole_between(1, 4096));
  cmd->add_flag("--no-wisdom", o->no_wisdom,
                "CPU: neither read nor write the wisdom file; without --variant a long search is "
                "calibrated first, a short one takes the CPUID default");
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout instead of text");

  cmd->callback([o, &outcome] { outcome.exit_code = execute(*o); });
}

}  // namespace hashflop::cli
