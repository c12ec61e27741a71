#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "bitcoin/target.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"

namespace hashflop::cli {
namespace {

struct MineOptions {
  std::string header, start = "0", count, bits, target, difficulty, device = "auto", variant;
  unsigned threads = 0, threads_per_block = 0, nonces_per_thread = 0;
  bool json = false;
};

bitcoin::Uint256 resolve_target(const MineOptions& o, const bitcoin::BlockHeader& header) {
  if (!o.bits.empty()) return bitcoin::target_from_bits_text(o.bits, "--bits");
  if (!o.target.empty()) return bitcoin::target_from_hex_text(o.target, "--target");
  if (!o.difficulty.empty())
    return bitcoin::target_from_difficulty_text(o.difficulty, "--difficulty");
  return bitcoin::target_from_bits(header.bits());
}

void print_text(const MineResult& r, const MineRequest& req, const DeviceInfo& device) {
  fmt::print("device     {} ({}), variant {}\n", device.id, device.name, r.variant);
  for (const auto& [k, v] : r.settings) fmt::print("           {} {}\n", k, v);
  fmt::print("range      [{}, {}) = {} nonces\n", r.start, uint64_t{r.start} + r.count, r.count);
  fmt::print("target     {} (difficulty {:.6g})\n", req.target.hex(),
             static_cast<double>(bitcoin::difficulty_from_target(req.target)));
  for (const auto& f : r.found)
    fmt::print("found      nonce {:>10}  hash {}\n", f.nonce, f.hash_hex);
  if (r.found_count > r.found.size()) {
    fmt::print("found      {} more nonces meet the target (the lowest {} are listed)\n",
               r.found_count - r.found.size(), r.found.size());
  }
  if (r.found.empty()) fmt::print("found      no nonce meets the target in this range\n");
  fmt::print("searched   {} nonces in {:.3f} s: {:.2f} MH/s\n", r.nonces_tried, r.seconds,
             r.hashes_per_second() / 1e6);
  if (r.mismatches != 0) {
    fmt::print("MISMATCH   {} candidates failed the scalar re-check: kernel bug\n", r.mismatches);
  }
}

nlohmann::json to_json(const MineResult& r, const MineRequest& req) {
  nlohmann::json found = nlohmann::json::array();
  for (const auto& f : r.found) found.push_back({{"nonce", f.nonce}, {"hash", f.hash_hex}});
  nlohmann::json settings = nlohmann::json::object();
  for (const auto& [k, v] : r.settings) settings[k] = v;
  return {{"device", r.device},
          {"variant", r.variant},
          {"header", req.header.hex()},
          {"start", r.start},
          {"count", r.count},
          {"nonces_tried", r.nonces_tried},
          {"seconds", r.seconds},
          {"hashes_per_second", r.hashes_per_second()},
          {"target", req.target.hex()},
          {"found", found},
          {"found_count", r.found_count},
          {"candidates", r.candidates},
          {"mismatches", r.mismatches},
          {"settings", settings}};
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
  cmd->add_option("--device", o->device, "auto (first GPU, else CPU), cpu, or cuda:N")
      ->capture_default_str();
  cmd->add_option("--variant", o->variant, "Kernel variant; default: the fastest this device runs");
  cmd->add_option("--threads", o->threads, "CPU threads; default: all cores")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--threads-per-block", o->threads_per_block,
                  "GPU: threads per block; default: from the occupancy API")
      ->check(CLI::Range(32u, 1024u));
  cmd->add_option("--nonces-per-thread", o->nonces_per_thread,
                  "GPU: nonces each thread tests per launch; default: autotuned")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout instead of text");

  cmd->callback([o, &outcome] {
    MineRequest req(bitcoin::BlockHeader::parse_hex(o->header));
    const uint64_t start = parse_unsigned(o->start, "--start");
    if (start > 0xffffffffu)
      throw UsageError(fmt::format("--start {}: past the last nonce 4294967295", start));
    req.start = static_cast<uint32_t>(start);
    req.count = o->count.empty() ? nonce_space - start : parse_unsigned(o->count, "--count");
    validate_range(req.start, req.count);
    req.target = resolve_target(*o, req.header);
    req.variant = o->variant;
    req.threads = o->threads;
    req.threads_per_block = o->threads_per_block;
    req.nonces_per_thread = o->nonces_per_thread;

    auto backend = open_backend(DeviceSpec::parse(o->device));
    const auto result = backend->mine(req);
    if (o->json) {
      fmt::print("{}\n", to_json(result, req).dump(2));
    } else {
      print_text(result, req, backend->info());
    }
    outcome.exit_code = result.mismatches == 0 ? exit_code::success : exit_code::failure;
  });
}

}  // namespace hashflop::cli
