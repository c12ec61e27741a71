// Records (common/record.hpp) as JSON and back: a run's params, a fleet entry's params.
#include <fmt/format.h>

#include "common/error.hpp"
#include "results/json_parts.hpp"

namespace hashflop::results {

namespace json_parts {

using nlohmann::json;

json value_json(const Value& v) {
  if (const auto* b = v.flag()) return *b;
  if (const auto* i = v.negative()) return *i;
  if (const auto* u = v.unsigned_integer()) return *u;
  if (const auto* d = v.floating()) return *d;
  if (const auto* s = v.text()) return *s;
  if (const auto* l = v.list()) {
    json out = json::array();
    for (const auto& e : *l) out.push_back(value_json(e));
    return out;
  }
  if (const auto* r = v.record()) return record_json(*r);
  return nullptr;
}

json record_json(const Record& record) {
  json out = json::object();
  for (const auto& f : record.fields()) out[f.key] = value_json(f.value);
  return out;
}

Value value_from(const json& j) {
  switch (j.type()) {
    case json::value_t::boolean:
      return j.get<bool>();
    case json::value_t::number_integer:
      return j.get<int64_t>();
    case json::value_t::number_unsigned:
      return j.get<uint64_t>();
    case json::value_t::number_float:
      return j.get<double>();
    case json::value_t::string:
      return j.get<std::string>();
    case json::value_t::array: {
      Value::List list;
      for (const auto& e : j) list.push_back(value_from(e));
      return list;
    }
    case json::value_t::object:
      return record_from(j);
    default:
      return nullptr;
  }
}

Record record_from(const json& j) {
  if (!j.is_object()) throw Error(fmt::format("{} is not an object", j.dump()));
  Record r;
  for (const auto& [k, v] : j.items()) r.set(k, value_from(v));
  return r;
}

}  // namespace json_parts

std::string to_json_text(const Record& record) {
  return json_parts::record_json(record).dump();
}

std::string to_json_text(const Value& value) {
  return json_parts::value_json(value).dump();
}

}  // namespace hashflop::results
