#include "mine/known_headers.hpp"

#include <array>

namespace hashflop {
namespace {

constexpr std::array headers{
    KnownHeader{"genesis",
                "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd"
                "7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
                2083236893, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
    KnownHeader{"block 125552",
                "0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2"
                "fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695",
                2504433986, "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d"},
};

}  // namespace

std::span<const KnownHeader> known_headers() {
  return headers;
}

}  // namespace hashflop
