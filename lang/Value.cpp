//===- Value.cpp - constant values of the .sweep language -----------------===//

#include "lang/Value.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace sweep;

bool Value::operator==(const Value &other) const {
  if (isNumeric() && other.isNumeric()) {
    if (kind == Kind::Int && other.kind == Kind::Int)
      return i == other.i;
    return asDouble() == other.asDouble();
  }
  if (kind != other.kind)
    return false;
  switch (kind) {
  case Kind::None: return true;
  case Kind::Bool: return i == other.i;
  case Kind::Symbol:
  case Kind::String: return s == other.s;
  default: return false;
  }
}

std::string sweep::formatShortest(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  // If any representation of <= 15 significant digits reads back exactly, %.15g
  // (which drops trailing zeros) is the shortest one: a double is within half an
  // ulp (~1e-16 relative) of that decimal, far inside 15-digit rounding. So three
  // attempts find the shortest form, where counting up from 1 digit took up to 17.
  char buffer[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v)
      break;
  }
  std::string text = buffer;
  // Keep numbers visibly non-integer so that `1.0` does not read back as an int.
  if (text.find_first_of(".eEn") == std::string::npos)
    text += ".0";
  return text;
}

void Value::print(llvm::raw_ostream &os) const {
  switch (kind) {
  case Kind::None: os << "none"; break;
  case Kind::Int: os << i; break;
  case Kind::Float: os << formatShortest(f); break;
  case Kind::Bool: os << (i ? "true" : "false"); break;
  case Kind::Symbol: os << s; break;
  case Kind::String: os << '"'; os.write_escaped(s); os << '"'; break;
  }
}

std::string Value::str() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  print(os);
  return text;
}

llvm::raw_ostream &sweep::operator<<(llvm::raw_ostream &os, const Value &value) {
  value.print(os);
  return os;
}
