#include "common/record.hpp"

#include <algorithm>

namespace hashflop {

Record::Record() = default;
Record::~Record() = default;
Record::Record(const Record&) = default;
Record::Record(Record&&) noexcept = default;
Record& Record::operator=(const Record&) = default;
Record& Record::operator=(Record&&) noexcept = default;

bool Record::empty() const {
  return fields_.empty();
}

Record::Record(std::initializer_list<Field> fields) {
  for (const auto& f : fields) set(f.key, f.value);
}

Record& Record::set(std::string key, Value value) {
  const auto it = std::lower_bound(fields_.begin(), fields_.end(), key,
                                   [](const Field& f, const std::string& k) { return f.key < k; });
  if (it != fields_.end() && it->key == key) {
    it->value = std::move(value);
  } else {
    fields_.insert(it, Field{std::move(key), std::move(value)});
  }
  return *this;
}

void Record::erase(std::string_view key) {
  std::erase_if(fields_, [key](const Field& f) { return f.key == key; });
}

const Value* Record::find(std::string_view key) const {
  for (const auto& f : fields_) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

std::string Record::text(std::string_view key, std::string fallback) const {
  const Value* v = find(key);
  return v && v->text() ? *v->text() : fallback;
}

std::optional<double> Record::number(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->number() : std::nullopt;
}

bool Record::operator==(const Record& other) const {
  return fields_ == other.fields_;
}

std::optional<double> Value::number() const {
  if (const auto* d = floating()) return *d;
  if (const auto* u = unsigned_integer()) return static_cast<double>(*u);
  if (const auto* i = negative()) return static_cast<double>(*i);
  return std::nullopt;
}

}  // namespace hashflop
