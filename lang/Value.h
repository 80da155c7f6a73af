//===- Value.h - constant values of the .sweep language ---------*- C++ -*-===//
//
// A setting's value after sema: an integer, a number, a flag, a symbol such as
// `relu` or `adam`, or a string. Symbols and strings point into a string pool
// that lives as long as the SweepSpec, so a Value is a small trivially copyable
// struct (runs are expanded by the hundred thousand).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_VALUE_H
#define SWEEP_LANG_VALUE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace sweep {

struct Value {
  enum class Kind : uint8_t { None, Int, Float, Bool, Symbol, String };

  Kind kind = Kind::None;
  int64_t i = 0;
  double f = 0;
  llvm::StringRef s;

  static Value none() { return {}; }
  static Value integer(int64_t v) { return {Kind::Int, v, 0, {}}; }
  static Value number(double v) { return {Kind::Float, 0, v, {}}; }
  static Value flag(bool v) { return {Kind::Bool, v ? 1 : 0, 0, {}}; }
  static Value symbol(llvm::StringRef v) { return {Kind::Symbol, 0, 0, v}; }
  static Value string(llvm::StringRef v) { return {Kind::String, 0, 0, v}; }

  bool isNone() const { return kind == Kind::None; }
  bool isNumeric() const { return kind == Kind::Int || kind == Kind::Float; }
  double asDouble() const { return kind == Kind::Int ? static_cast<double>(i) : f; }

  bool operator==(const Value &other) const;
  bool operator!=(const Value &other) const { return !(*this == other); }

  /// The canonical text: integers in decimal, numbers in the shortest form that
  /// reads back to the same double, symbols bare and strings quoted.
  void print(llvm::raw_ostream &os) const;
  std::string str() const;
};

/// The shortest decimal text that parses back to exactly `v`.
std::string formatShortest(double v);

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const Value &value);

} // namespace sweep

#endif // SWEEP_LANG_VALUE_H
