#include "sha256/sha256.hpp"

#include <cstring>

#include "sha256_core.hpp"

namespace hashflop {
namespace {

void compress_bytes(uint32_t (&state)[8], const unsigned char* block) {
  uint32_t w[16];
  for (int i = 0; i < 16; ++i) w[i] = sha256::load_be32(block + 4 * i);
  sha256::compress(state, w);
}

}  // namespace

Digest sha256_of(std::span<const unsigned char> message) {
  uint32_t state[8];
  for (int i = 0; i < 8; ++i) state[i] = sha256::initial_state(i);

  const size_t full_blocks = message.size() / 64;
  for (size_t b = 0; b < full_blocks; ++b) compress_bytes(state, message.data() + 64 * b);

  // Padding (FIPS 180-4 5.1.1): 0x80, zeros, then the bit length as a 64-bit big-endian number,
  // spilling into a second block when fewer than 9 bytes remain.
  unsigned char tail[128] = {};
  const size_t rest = message.size() - 64 * full_blocks;
  if (rest != 0) std::memcpy(tail, message.data() + 64 * full_blocks, rest);
  tail[rest] = 0x80;
  const size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  const uint64_t bits = uint64_t{message.size()} * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (size_t off = 0; off < tail_len; off += 64) compress_bytes(state, tail + off);

  Digest digest;
  for (int i = 0; i < 8; ++i) {
    for (int b = 0; b < 4; ++b)
      digest[4 * i + b] = static_cast<unsigned char>(state[i] >> (24 - 8 * b));
  }
  return digest;
}

Digest sha256d_of(std::span<const unsigned char> message) {
  const Digest first = sha256_of(message);
  return sha256_of(first);
}

}  // namespace hashflop
