// A record of named, typed values: what a workload says about itself (a run's `params`, a
// transformer product's description) without the model holding JSON. Values are null, a flag,
// an integer, a number, a text, a list or a nested record; the results layer writes and reads
// them (results/record_json.cpp). Fields stay sorted by key, the order the results file has
// always written them in, so two records are equal exactly when their JSON is.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace hashflop {

struct Field;
class Value;

class Record {
 public:
  Record();
  Record(std::initializer_list<Field> fields);
  // Out of line, where Field is complete: Value holds a Record before Field is defined, and
  // clang instantiates the vector's members at that point.
  ~Record();
  Record(const Record&);
  Record(Record&&) noexcept;
  Record& operator=(const Record&);
  Record& operator=(Record&&) noexcept;

  /// Sets `key` (replacing a field of that name), keeping the fields sorted by key.
  Record& set(std::string key, Value value);
  /// Removes `key` if present.
  void erase(std::string_view key);
  /// The value at `key`, or nullptr.
  const Value* find(std::string_view key) const;
  bool empty() const;
  const std::vector<Field>& fields() const { return fields_; }

  /// The text at `key`; `fallback` when absent or not a text.
  std::string text(std::string_view key, std::string fallback = {}) const;
  /// The number (integer or not) at `key`; nullopt when absent or not a number.
  std::optional<double> number(std::string_view key) const;

  bool operator==(const Record& other) const;

 private:
  std::vector<Field> fields_;
};

class Value {
 public:
  using List = std::vector<Value>;

  // Defined below Field: until Field is complete, the variant (which holds a Record, so a
  // vector<Field>) cannot be constructed, and clang instantiates it here.
  Value();
  Value(std::nullptr_t);
  Value(bool b);
  // Integers keep their sign only when negative, as a JSON reader gives them back.
  template <std::integral T>
  requires(!std::same_as<T, bool>) Value(T i);
  Value(double d);
  Value(std::string s);
  Value(const char* s);
  Value(std::string_view s);
  Value(List list);
  Value(Record record);
  Value(const std::vector<std::string>& texts);

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  const bool* flag() const { return std::get_if<bool>(&v_); }
  const int64_t* negative() const { return std::get_if<int64_t>(&v_); }
  const uint64_t* unsigned_integer() const { return std::get_if<uint64_t>(&v_); }
  const double* floating() const { return std::get_if<double>(&v_); }
  const std::string* text() const { return std::get_if<std::string>(&v_); }
  const List* list() const { return std::get_if<List>(&v_); }
  const Record* record() const { return std::get_if<Record>(&v_); }
  /// An integer or a floating value as a double; nullopt for anything else.
  std::optional<double> number() const;

  bool operator==(const Value& other) const { return v_ == other.v_; }

 private:
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, List, Record> v_;
};

struct Field {
  std::string key;
  Value value;
  bool operator==(const Field& other) const = default;
};

inline Value::Value() = default;
inline Value::Value(std::nullptr_t) {}
inline Value::Value(bool b) : v_(b) {}
template <std::integral T>
requires(!std::same_as<T, bool>) Value::Value(T i) {
  if constexpr (std::is_signed_v<T>) {
    if (i < 0) {
      v_ = static_cast<int64_t>(i);
      return;
    }
  }
  v_ = static_cast<uint64_t>(i);
}
inline Value::Value(double d) : v_(d) {}
inline Value::Value(std::string s) : v_(std::move(s)) {}
inline Value::Value(const char* s) : v_(std::string(s)) {}
inline Value::Value(std::string_view s) : v_(std::string(s)) {}
inline Value::Value(List list) : v_(std::move(list)) {}
inline Value::Value(Record record) : v_(std::move(record)) {}
inline Value::Value(const std::vector<std::string>& texts) : v_(List(texts.begin(), texts.end())) {}

}  // namespace hashflop
