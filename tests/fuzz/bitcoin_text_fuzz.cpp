// Header hex, nBits, target and difficulty text: what `hashflop mine` parses from its options,
// through the same functions. Bad text must be a UsageError; text that parses must survive a
// round trip through its printed form.
#include <cmath>
#include <cstring>
#include <string>

#include "bitcoin/header.hpp"
#include "bitcoin/target.hpp"
#include "common/hex.hpp"
#include "fuzz_support.hpp"
#include "mine/mine_types.hpp"

namespace {

using namespace hashflop;
using hashflop::fuzz::expect_usage_error;
using hashflop::fuzz::finding;

void check_target(const bitcoin::Uint256& t, const char* stage) {
  if (t.is_zero()) finding(stage, "a zero target was accepted");
  if (bitcoin::Uint256::parse_hex(t.hex(), "round trip") != t) finding(stage, "hex round trip");
  // What `mine` prints beside the target.
  const double difficulty = static_cast<double>(bitcoin::difficulty_from_target(t));
  if (!(difficulty > 0) || !std::isfinite(difficulty)) finding(stage, "difficulty not positive");
}

void header_from(std::string_view text) {
  expect_usage_error("header", [&] {
    const auto h = bitcoin::BlockHeader::parse_hex(text);
    if (bitcoin::BlockHeader::parse_hex(h.hex()).bytes() != h.bytes())
      finding("header", "hex round trip");
    (void)h.version();
    (void)h.time();
    (void)h.nonce();
    (void)h.prev_hash_hex();
    (void)h.merkle_root_hex();
    (void)h.with_nonce(h.nonce() + 1).with_version(h.version() ^ 0x1fffe000).hash_hex();
    // A header's own nBits is the default target.
    expect_usage_error("header bits",
                       [&] { check_target(bitcoin::target_from_bits(h.bits()), "header bits"); });
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  expect_usage_error("hex", [&] {
    const auto bytes = parse_hex(text, "fuzz");
    if (parse_hex(to_hex(bytes), "round trip") != bytes) finding("hex", "round trip");
  });
  expect_usage_error("unsigned", [&] {
    const uint64_t start = parse_unsigned(text, "--start");
    if (start <= 0xffffffffu) validate_range(static_cast<uint32_t>(start), nonce_space - start);
  });
  header_from(text);
  if (size > 160) header_from(text.substr(0, 160));

  expect_usage_error(
      "--bits", [&] { check_target(bitcoin::target_from_bits_text(text, "--bits"), "--bits"); });
  expect_usage_error("--target", [&] {
    check_target(bitcoin::target_from_hex_text(text, "--target"), "--target");
  });
  expect_usage_error("--difficulty", [&] {
    check_target(bitcoin::target_from_difficulty_text(text, "--difficulty"), "--difficulty");
  });

  // The same decoders on raw numbers: every nBits, and every long double bit pattern (NaN,
  // infinities, subnormals) as a difficulty.
  if (size >= 4) {
    uint32_t bits = 0;
    std::memcpy(&bits, data, 4);
    expect_usage_error("nBits", [&] { check_target(bitcoin::target_from_bits(bits), "nBits"); });
  }
  if (size >= sizeof(long double)) {
    long double difficulty = 0;
    std::memcpy(&difficulty, data, sizeof difficulty);
    expect_usage_error("difficulty", [&] {
      check_target(bitcoin::target_from_difficulty(difficulty), "difficulty");
    });
  }
  return 0;
}
