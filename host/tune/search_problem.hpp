// The wisdom problem of the CUDA nonce search. A choice is only reused for the same target
// class: under an easy target (a candidate every few hundred nonces) a kernel is bound by
// storing hits, so its fastest geometry says nothing about a real target's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hashflop::tune {

/// The wisdom file's workload name for the CUDA nonce search.
inline constexpr std::string_view cuda_sha256d_workload = "sha256d";

/// "real" for a target whose top 32 bits are zero (every Bitcoin target since the genesis
/// block: under one candidate per 2^32 nonces), else "easy".
std::string_view target_class(uint32_t target_top);

/// "cuda nonce search target=real", with " variant=<name>" when --variant narrows the kernels
/// to one.
std::string cuda_sha256d_problem(std::string_view variant, uint32_t target_top);

}  // namespace hashflop::tune
