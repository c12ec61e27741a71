// Bounded JSON input (results/json_parts.hpp): the parser with a depth limit, and whole files
// read through it.
#include <nlohmann/json.hpp>

#include "common/file_input.hpp"
#include "results/json_parts.hpp"

namespace hashflop {

nlohmann::json parse_json(std::string_view text) {
  // The callback sees every value with its depth while the (iterative) parser builds the tree.
  const nlohmann::json::parser_callback_t limit = [](int depth, nlohmann::json::parse_event_t,
                                                     nlohmann::json&) {
    if (depth > max_json_depth) {
      throw Error(fmt::format("nested more than {} levels deep", max_json_depth));
    }
    return true;
  };
  return nlohmann::json::parse(text.begin(), text.end(), limit);
}

nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view what) {
  const std::string text = read_regular_file(path, what, max_json_bytes);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw UsageError(fmt::format("{}: empty file", path.string()));
  try {
    return parse_json(text);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: not JSON: {}", path.string(), e.what()));
  } catch (const Error& e) {
    throw UsageError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

}  // namespace hashflop
