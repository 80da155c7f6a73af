//===- JsonValue.h - reading summary.json back --------------------*- C++ -*-===//
//
// The report is rebuilt from the result files, and the runtime links no LLVM
// (built executables write reports too), so summary.json is read with this
// small RFC 8259 parser rather than llvm::json.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_REPORT_JSONVALUE_H
#define SWEEP_RUNTIME_REPORT_JSONVALUE_H

#include <map>
#include <string>
#include <vector>

namespace sweep {

class JsonValue {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Kind kind() const { return type; }
  bool isNull() const { return type == Kind::Null; }
  bool isNumber() const { return type == Kind::Number; }
  bool isString() const { return type == Kind::String; }

  /// The member `key` of an object; a null value when there is none (or this
  /// is not an object), so lookups chain: summary["energy"]["source"].
  const JsonValue &operator[](const std::string &key) const;
  /// Element `index` of an array; a null value past the end.
  const JsonValue &operator[](size_t index) const;
  size_t size() const { return type == Kind::Array ? elements.size() : members.size(); }
  const std::vector<JsonValue> &items() const { return elements; }

  /// The number, or `fallback` when this is not one.
  double number(double fallback = 0) const { return type == Kind::Number ? value : fallback; }
  /// The string, the number as written, or `fallback`.
  std::string text(const std::string &fallback = "") const;
  bool boolean(bool fallback = false) const { return type == Kind::Bool ? value != 0 : fallback; }

  /// Parses `source`; false with `error` ("line L, column C: ...") when it is
  /// not JSON.
  static bool parse(const std::string &source, JsonValue &out, std::string &error);

private:
  friend class JsonParser;
  Kind type = Kind::Null;
  double value = 0;
  std::string string; // A string's value, or a number as written.
  std::vector<JsonValue> elements;
  std::map<std::string, JsonValue> members;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_REPORT_JSONVALUE_H
