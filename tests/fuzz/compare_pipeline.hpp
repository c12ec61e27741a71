// What `hashflop compare` does with a file, for the targets whose input it reads: load it,
// pair it with itself and with a real file, and print the comparison in every format.
#pragma once

#include <filesystem>
#include <optional>

#include "compare/comparison.hpp"
#include "compare/dataset.hpp"
#include "compare/printers.hpp"
#include "fuzz_support.hpp"

namespace hashflop::fuzz {

inline void compare_file(const std::filesystem::path& path,
                         const std::optional<compare::Dataset>& other) {
  std::optional<compare::Dataset> d;
  if (!expect_usage_error("load_dataset", [&] { d = compare::load_dataset(path); })) return;
  // Pairing may refuse a pair of files (formats that differ) with a UsageError; a comparison
  // made from loaded files must then print without any exception.
  const auto judge_and_print = [](const compare::Dataset& a, const compare::Dataset& b) {
    std::optional<compare::Comparison> c;
    if (!expect_usage_error("compare", [&] { c = compare::compare(a, b, {}); })) return;
    try {
      (void)compare::format_text(*c);
      (void)compare::format_markdown(*c);
      (void)compare::format_json(*c);
    } catch (const std::exception& e) {
      finding("printing a comparison", e);
    }
  };
  judge_and_print(*d, *d);
  if (other) {
    judge_and_print(*other, *d);
    judge_and_print(*d, *other);
  }
}

}  // namespace hashflop::fuzz
