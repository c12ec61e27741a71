#include "verify/self_test.hpp"

#include <random>
#include <string_view>

#include <fmt/format.h>

#include "bitcoin/target.hpp"
#include "common/hex.hpp"
#include "common/units.hpp"
#include "mine/known_headers.hpp"
#include "mine/test_targets.hpp"
#include "sha256/sha256.hpp"

namespace hashflop {
namespace {

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf" and the SHAVS short/long message vectors).
struct Vector {
  std::string_view message;
  std::string_view digest;
};
constexpr Vector kVectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
     "nopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

CheckResult check_vectors() {
  for (const auto& v : kVectors) {
    const auto digest = sha256_of(
        std::span(reinterpret_cast<const unsigned char*>(v.message.data()), v.message.size()));
    if (to_hex(digest) != v.digest) {
      return {"sha256 known answers", Verdict::incorrect,
              fmt::format("message of {} bytes: got {}", v.message.size(), to_hex(digest))};
    }
  }
  return {"sha256 known answers", Verdict::passed,
          fmt::format("{} FIPS 180-4 vectors", std::size(kVectors))};
}

CheckResult check_known_hashes() {
  for (const auto& k : known_headers()) {
    const auto header = bitcoin::BlockHeader::parse_hex(k.header_hex);
    if (header.hash_hex() != k.hash_hex) {
      return {"sha256d block hashes", Verdict::incorrect,
              fmt::format("{}: got {}", k.name, header.hash_hex())};
    }
  }
  return {"sha256d block hashes", Verdict::passed, "genesis and block 125552"};
}

// How the backend chose the variant ("chosen by measurement from the wisdom file (...)"),
// without the calibration rates that follow it; empty when it does not say.
std::string how_chosen(const MineResult& result) {
  for (const auto& [key, value] : result.settings) {
    if (key == "selection") return value.substr(0, value.find(';'));
  }
  return {};
}

// A real nonce must be found in a range that puts it neither first nor last, by the variant
// that `mine`, `run` and `devices` would use (the chooser's: --variant unset, so wisdom, else
// the CPUID default; never a calibration, the range is too short for one). Every variant was
// checked against the reference before this.
CheckResult check_known_nonce(Backend& backend, const KnownHeader& known) {
  constexpr uint32_t kBefore = 100'003, kCount = 262'147;  // odd sizes exercise range tails
  MineRequest req(bitcoin::BlockHeader::parse_hex(known.header_hex));
  req.start = known.nonce - kBefore;
  req.count = kCount;
  req.target = bitcoin::target_from_bits(req.header.bits());
  const auto result = backend.mine(req);
  const auto name = fmt::format("{} nonce found ({})", known.name, result.variant);
  if (result.mismatches != 0) {
    return {name, Verdict::incorrect, fmt::format("{} kernel mismatches", result.mismatches)};
  }
  if (result.nonces_tried != kCount) {
    return {name, Verdict::incorrect,
            fmt::format("tried {} of {} nonces", result.nonces_tried, kCount)};
  }
  if (result.found.size() != 1 || result.found[0].nonce != known.nonce ||
      result.found[0].hash_hex != known.hash_hex) {
    return {name, Verdict::incorrect,
            fmt::format("found {} nonces, expected exactly {}", result.found.size(), known.nonce)};
  }
  const std::string how = how_chosen(result);
  return {name, Verdict::passed,
          fmt::format("nonce {} in {} nonces{}", known.nonce, format_whole(kCount),
                      how.empty() ? "" : "; the variant mine and run use, " + how)};
}

// The easy target gives about 200 candidates per header; the variant's set must equal the
// scalar reference's.
CheckResult check_against_reference(Backend& backend, const std::string& variant) {
  const auto name = fmt::format("{} matches reference", variant);
  std::mt19937_64 rng(20261126);
  for (int trial = 0; trial < 4; ++trial) {
    std::array<unsigned char, 80> bytes{};
    for (auto& b : bytes) b = static_cast<unsigned char>(rng());
    MineRequest req{bitcoin::BlockHeader(bytes)};
    req.start = static_cast<uint32_t>(rng());
    req.count = 50'000 + trial * 7;
    if (uint64_t{req.start} + req.count > nonce_space)
      req.start -= static_cast<uint32_t>(req.count);
    req.target = easy_test_target();
    req.variant = variant;
    const auto result = backend.mine(req);
    std::vector<uint32_t> expected;
    for (uint64_t i = 0; i < req.count; ++i) {
      const auto nonce = static_cast<uint32_t>(req.start + i);
      if (bitcoin::meets_target(req.header.with_nonce(nonce).hash_value(), req.target)) {
        expected.push_back(nonce);
      }
    }
    // A comparison of near-empty sets proves nothing: the target must give what it promises.
    if (static_cast<double>(expected.size()) < 0.5 * expected_hits(req.target, req.count)) {
      return {name, Verdict::failed,
              fmt::format("header {}: the reference gives {} candidates where the easy target "
                          "promises about {:.0f}: the check has lost its teeth",
                          trial, expected.size(), expected_hits(req.target, req.count))};
    }
    std::vector<uint32_t> got;
    for (const auto& f : result.found) got.push_back(f.nonce);
    if (got != expected || result.mismatches != 0 || result.nonces_tried != req.count) {
      return {name, Verdict::incorrect,
              fmt::format("header {}: found {} nonces, reference {}; {} mismatches", trial,
                          got.size(), expected.size(), result.mismatches)};
    }
  }
  return {name, Verdict::passed, "4 random headers, easy target"};
}

}  // namespace

std::vector<CheckResult> run_self_test(Backend& backend,
                                       const std::function<void(const CheckResult&)>& on_result) {
  std::vector<CheckResult> results;
  auto record = [&](CheckResult r) {
    on_result(r);
    results.push_back(std::move(r));
  };
  record(check_vectors());
  record(check_known_hashes());
  const auto variants = backend.mine_variants();
  for (const auto& v : variants) {
    record(check_against_reference(backend, v));
  }
  for (const auto& known : known_headers()) record(check_known_nonce(backend, known));
  return results;
}

}  // namespace hashflop
