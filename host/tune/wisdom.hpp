// The wisdom file: calibration outcomes kept between runs, as FFTW keeps its wisdom. One JSON
// document (schema hashflop/wisdom/v1, docs/tuning.md; read and written by results/wisdom_json.cpp)
// at $XDG_CACHE_HOME/hashflop/wisdom.json, else ~/.cache/hashflop/wisdom.json. An entry is used
// only under its exact key (machine_key.hpp); the file is a cache, so a corrupt or unreadable one
// is a warning and is rebuilt, never an error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.hpp"
#include "results/result.hpp"
#include "results/wisdom_file.hpp"
#include "tune/tune_settings.hpp"

namespace hashflop::tune {

using results::wisdom_schema;
/// Entries kept; the oldest go first. Each is a few hundred bytes: a machine with every thread
/// count and GEMM size it was run at stays far below this.
inline constexpr size_t max_wisdom_entries = 64;

/// $XDG_CACHE_HOME/hashflop/wisdom.json when XDG_CACHE_HOME is set to an absolute path (as the
/// XDG spec requires), else $HOME/.cache/hashflop/wisdom.json; empty when neither is usable.
std::filesystem::path default_wisdom_path();

using results::WisdomEntry;

class Wisdom {
 public:
  /// Reads `path`: a missing file is empty wisdom; an unreadable, malformed or foreign-schema
  /// one is empty wisdom with warning() set to one line saying so; an entry out of range is
  /// left out, with a warning(). Never throws.
  static Wisdom load(const std::filesystem::path& path);

  /// The selection stored for `workload`, `problem` and exactly `key`, or nullopt. When an entry
  /// for the same workload and problem exists under another key, `stale` (if given) gets the
  /// first field that differs.
  std::optional<results::Selection> find(std::string_view workload, std::string_view problem,
                                         const Record& key, std::string* stale = nullptr) const;

  /// Replaces the entry with the same workload, problem and key (or adds it) and writes the file
  /// atomically. The file is read again first, so entries another process stored meanwhile
  /// survive (the last writer wins an entry both wrote). Returns an empty string, or a one-line
  /// warning when the file cannot be written (a read-only home); the wisdom in memory is
  /// updated either way.
  std::string store(WisdomEntry entry);

  const std::vector<WisdomEntry>& entries() const { return entries_; }
  const std::string& warning() const { return warning_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::vector<WisdomEntry> entries_;
  std::string warning_;
  bool readable_ = true;  ///< false: the file is no wisdom document; rebuilt from memory
};

/// Stores a choice in `wisdom`; a failure to save is one line through settings.log and is
/// passed to settings.unsaved, so that no command names a file it did not write.
void store_choice(Wisdom& wisdom, WisdomEntry entry, const TuneSettings& settings);

}  // namespace hashflop::tune
