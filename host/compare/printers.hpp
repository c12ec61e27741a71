// One printer per output format of `hashflop compare`.
#pragma once

#include <string>

#include "compare/comparison.hpp"

namespace hashflop::compare {

/// Aligned columns for a terminal.
std::string format_text(const Comparison& c);
/// A GitHub-flavoured Markdown table, ready for a pull-request comment.
std::string format_markdown(const Comparison& c);
/// One JSON document (pairs, verdicts, statistics, exit code).
std::string format_json(const Comparison& c);

}  // namespace hashflop::compare
