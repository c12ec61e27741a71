// "Did you mean": the nearest known word to a mistyped command or option.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hashflop::cli {

/// Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, if it is near enough to be a typo: at most 2 edits, and
/// fewer edits than `word` has characters.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace hashflop::cli
