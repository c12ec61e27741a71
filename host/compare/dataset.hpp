// What `hashflop compare` reads, whatever the file's format: named series of repetitions.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hashflop::compare {

/// One benchmark or run: the samples of its rate (higher is better) and, where measured, of its
/// work per joule.
struct Series {
  std::string key;    ///< what pairs it with the other file's series
  std::string label;  ///< what the printers show
  std::string unit;   ///< of the rate, e.g. "items/s", "hash/s"
  std::vector<double> rate;
  std::optional<std::vector<double>> per_joule;  ///< nullopt: energy was not measured
  std::string per_joule_unit;
};

enum class Format { hashflop_result, google_benchmark };

struct Dataset {
  std::filesystem::path path;
  Format format = Format::google_benchmark;
  std::vector<Series> series;
  std::vector<std::string> skipped;  ///< entries that carry no measurement, with the reason
  /// Google Benchmark only: the pair index of an interleaved run, from the context key
  /// `hashflop_pair` (`--benchmark_context=hashflop_pair=N`); nullopt when absent.
  std::optional<long> pair;
};

/// "hashflop result" or "Google Benchmark".
const char* format_name(Format format);

/// Reads either format, telling them apart by content. Throws UsageError (one line, naming the
/// file) when the file is unreadable, empty, not JSON, of an unknown format or has no entries.
Dataset load_dataset(const std::filesystem::path& path);

}  // namespace hashflop::compare
