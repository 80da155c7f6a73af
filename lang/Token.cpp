//===- Token.cpp - .sweep tokens ------------------------------------------===//

#include "lang/Token.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

using namespace sweep;

bool Token::isKeyword() const {
  switch (kind) {
#define TOK_KEYWORD(SPELLING) case kw_##SPELLING:
#include "lang/TokenKinds.def"
    return true;
  default:
    return false;
  }
}

std::optional<int64_t> Token::getIntegerValue() const {
  int64_t value = 0;
  // getAsInteger returns true on failure, including overflow.
  if (spelling.getAsInteger(10, value))
    return std::nullopt;
  return value;
}

std::optional<double> Token::getFloatingValue() const {
  std::string text = spelling.str();
  errno = 0;
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  // A value too small for a double's normal range is its rounding (1e-310
  // a subnormal, 1e-400 zero), as in a CSV cell; one too large is no number.
  // Regression: strtod's ERANGE on underflow made 1e-310 "out of range".
  if (end != text.c_str() + text.size() || !std::isfinite(value) ||
      (errno == ERANGE && std::fabs(value) > 1.0))
    return std::nullopt;
  return value;
}

std::string Token::getStringValue() const {
  llvm::StringRef body = spelling;
  if (body.size() >= 2)
    body = body.drop_front().drop_back();
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 == body.size()) {
      out.push_back(c);
      continue;
    }
    char next = body[++i];
    switch (next) {
    case 'n': out.push_back('\n'); break;
    case 't': out.push_back('\t'); break;
    default: out.push_back(next); break; // \" and \\ stand for themselves.
    }
  }
  return out;
}

llvm::StringRef Token::getDescription(Kind kind) {
  switch (kind) {
  case eof: return "end of file";
  case error: return "invalid token";
  case identifier: return "identifier";
  case integer: return "integer";
  case floating: return "number";
  case string: return "string";
#define TOK_PUNCTUATION(NAME, SPELLING) case NAME: return "'" SPELLING "'";
#define TOK_KEYWORD(SPELLING) case kw_##SPELLING: return "'" #SPELLING "'";
#include "lang/TokenKinds.def"
  }
  return "token";
}
