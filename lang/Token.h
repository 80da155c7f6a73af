//===- Token.h - .sweep tokens ----------------------------------*- C++ -*-===//
//
// A token is a kind and the exact spelling, a StringRef into the SourceMgr buffer,
// so locations come for free.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_TOKEN_H
#define SWEEP_LANG_TOKEN_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <optional>

namespace sweep {

class Token {
public:
  enum Kind {
#define TOK_MARKER(NAME) NAME,
#define TOK_LITERAL(NAME) NAME,
#define TOK_PUNCTUATION(NAME, SPELLING) NAME,
#define TOK_KEYWORD(SPELLING) kw_##SPELLING,
#include "lang/TokenKinds.def"
  };

  Token(Kind kind, llvm::StringRef spelling) : kind(kind), spelling(spelling) {}

  Kind getKind() const { return kind; }
  bool is(Kind k) const { return kind == k; }
  bool isNot(Kind k) const { return kind != k; }
  bool isKeyword() const;
  llvm::StringRef getSpelling() const { return spelling; }
  llvm::SMLoc getLoc() const { return llvm::SMLoc::getFromPointer(spelling.data()); }

  /// The value of an integer token, or nullopt when it does not fit in int64.
  std::optional<int64_t> getIntegerValue() const;
  /// The value of a floating or integer token.
  std::optional<double> getFloatingValue() const;
  /// The contents of a string token without quotes, with escapes resolved.
  std::string getStringValue() const;

  /// How a kind is written in messages: "'('" or "identifier".
  static llvm::StringRef getDescription(Kind kind);

private:
  Kind kind;
  llvm::StringRef spelling;
};

} // namespace sweep

#endif // SWEEP_LANG_TOKEN_H
