#include "mine/known_nonces.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "bitcoin/target.hpp"
#include "mine/known_headers.hpp"

namespace hashflop {

Check verify_known_nonces(const std::function<MineResult(const MineRequest&)>& mine,
                          const std::string& variant, uint64_t count) {
  count = std::clamp<uint64_t>(count, 1, nonce_space);
  for (const auto& k : known_headers()) {
    MineRequest req(bitcoin::BlockHeader::parse_hex(k.header_hex));
    const uint64_t half = count / 2;
    req.start = static_cast<uint32_t>(
        std::min<uint64_t>(k.nonce >= half ? k.nonce - half : 0, nonce_space - count));
    req.count = count;
    req.target = bitcoin::target_from_bits(req.header.bits());
    req.variant = variant;
    const auto r = mine(req);
    const bool ok = r.mismatches == 0 && r.nonces_tried == req.count &&
                    std::any_of(r.found.begin(), r.found.end(), [&](const FoundNonce& f) {
                      return f.nonce == k.nonce && f.hash_hex == k.hash_hex;
                    });
    if (!ok) {
      return {Verdict::incorrect, fmt::format("{}: nonce {} not found with hash {} ({} mismatches)",
                                              k.name, k.nonce, k.hash_hex, r.mismatches)};
    }
  }
  return {Verdict::passed,
          fmt::format("found the known nonces of {} headers (genesis, block 125552)",
                      known_headers().size())};
}

}  // namespace hashflop
