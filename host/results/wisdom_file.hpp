// The wisdom file's contents (schema hashflop/wisdom/v1, docs/tuning.md): calibration outcomes
// under the key of the machine and build that measured them. tune/wisdom.hpp keeps the file
// (where it is, the lock, the merge); this is what it holds and how it reads and writes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/record.hpp"
#include "results/result.hpp"

namespace hashflop::results {

inline constexpr const char* wisdom_schema = "hashflop/wisdom/v1";

/// One calibration: a workload ("sha256d", "gemm"), the problem it was calibrated on ("threads=2",
/// "avx512 fp32 2048x2048x2048 threads=2"), the machine key (tune/machine_key.hpp), and what it
/// chose and measured. Keys compare field for field, as their JSON does.
struct WisdomEntry {
  std::string workload, problem;
  Record key;
  Selection selection;
};

/// The document `entries` are written as, as the file holds it (one-space indent, a newline).
std::string wisdom_text(const std::vector<WisdomEntry>& entries);

/// The entries of the wisdom document at `path`, read bounded (results/json_parts.hpp). Throws
/// UsageError naming `path` when it cannot be read, is no JSON, too deep, or not a
/// hashflop/wisdom/v1 document. An entry that does not read (a negative rate, a missing field,
/// a key that is no object) throws too, unless `skipped` is given: then it is left out and the
/// first such error is put there.
std::vector<WisdomEntry> read_wisdom_file(const std::filesystem::path& path,
                                          std::string* skipped = nullptr);

/// The first field whose value differs between `wanted` and `found` ("microcode 0xa10114e, was
/// 0xa101148"; a text as it is, anything else as its JSON), for the line that says why an entry
/// was not used; empty when they are equal.
std::string key_difference(const Record& wanted, const Record& found);

}  // namespace hashflop::results
