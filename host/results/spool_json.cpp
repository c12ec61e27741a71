// A fleet rank's spool lines, both ways.
#include <limits>

#include <fmt/format.h>

#include "results/json_parts.hpp"
#include "results/spool_lines.hpp"

namespace hashflop::results {
namespace {

using nlohmann::json;

}  // namespace

std::string spool_header_line(const Result& header, const RankRecord& rank, int ranks, long pid) {
  auto j = to_json(header);
  j.erase("runs");
  j.erase("headline");
  // The pid says which process to look for (or kill, in the test) when a job hangs or dies.
  return json{
      {"type", "header"}, {"result", j}, {"rank", to_json(rank)}, {"ranks", ranks}, {"pid", pid}}
      .dump();
}

std::string spool_window_line(const Run& run) {
  auto j = to_json(run);
  j["samples"] = json::array({j["samples"].back()});
  j.erase("telemetry");  // the window's energy and rate are what recovery needs
  return json{{"type", "window"}, {"run", j}}.dump();
}

std::string spool_run_line(const Run& run) {
  return json{{"type", "run"}, {"run", to_json(run)}}.dump();
}

std::string spool_end_line(const RankRecord& rank) {
  return json{{"type", "end"}, {"rank", to_json(rank)}}.dump();
}

std::optional<SpoolLine> read_spool_line(std::string_view line, int max_ranks) {
  json j;
  try {
    j = parse_json(line);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  try {
    SpoolLine s;
    const std::string type = j.value("type", "");
    if (type == "header") {
      s.type = SpoolLine::Type::header;
      auto doc = j.at("result");
      doc["runs"] = json::array();
      s.header = from_json(doc);
      s.rank = rank_from_json(j.at("rank"));
      s.ranks = number_or<int>(j, "ranks", 1, 1, max_ranks);
      s.pid = number_or<long>(j, "pid", 0, 0, std::numeric_limits<int>::max());
    } else if (type == "window" || type == "run") {
      s.type = type == "run" ? SpoolLine::Type::run : SpoolLine::Type::window;
      s.run = run_from_json(j.at("run"));
    } else if (type == "end") {
      s.type = SpoolLine::Type::end;
      s.rank = rank_from_json(j.at("rank"));
    }
    return s;
  } catch (const json::exception& e) {
    throw Error(fmt::format("malformed: {}", e.what()));
  }
}

}  // namespace hashflop::results
