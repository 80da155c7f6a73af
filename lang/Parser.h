//===- Parser.h - .sweep recursive-descent parser ---------------*- C++ -*-===//
//
// Each parse method carries its grammar rule as a `///` comment; the full
// grammar is in docs/language.md. The parser reports syntax errors through
// SourceDiagnostics and recovers at `;`, `}` and declaration keywords so that
// one run reports several independent errors.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_PARSER_H
#define SWEEP_LANG_PARSER_H

#include "lang/AST.h"
#include "lang/Diagnostics.h"
#include "lang/Token.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace sweep {

class Parser {
public:
  Parser(const llvm::SourceMgr &sourceMgr, unsigned bufferId, SourceDiagnostics &diags);

  /// Parses the whole buffer. Returns nullopt if any syntax error was reported.
  std::optional<Module> parseModule();

private:
  // Declarations.
  DeclPtr parseDecl();
  DeclPtr parseDatasetDecl();
  DeclPtr parseModelDecl();
  DeclPtr parseSweepDecl();
  bool parseModelParam(std::vector<ModelParam> &params);
  bool parseBlock(std::vector<StmtPtr> &body);
  StmtPtr parseStmt();
  ClausePtr parseClause();
  bool parseSetting(std::vector<Setting> &settings);
  bool parseIdentifierList(std::vector<Identifier> &names, bool allowQualified);

  // Expressions.
  ExprPtr parseExpr();
  /// Reports an expression deeper than the passes after the parser can walk.
  bool isTooDeep(const Expr &expr);
  ExprPtr parseOrExpr();
  ExprPtr parseAndExpr();
  ExprPtr parseComparison();
  ExprPtr parseRange();
  ExprPtr parseAdditive();
  ExprPtr parseMultiplicative();
  ExprPtr parseUnary();
  ExprPtr parsePrimary();
  ExprPtr parseNameOrCall();
  ExprPtr parseList();
  bool parseArgument(std::vector<Setting> &args);
  std::optional<std::vector<Setting>> parseArguments();

  // Token helpers.
  const Token &cur() const { return tokens[pos]; }
  const Token &peek(unsigned ahead = 1) const {
    return tokens[std::min<size_t>(pos + ahead, tokens.size() - 1)];
  }
  void consume() {
    if (pos + 1 < tokens.size())
      ++pos;
  }
  bool consumeIf(Token::Kind kind) {
    if (cur().isNot(kind))
      return false;
    consume();
    return true;
  }
  /// Consumes `kind` or reports "expected <kind> <context>".
  bool parseToken(Token::Kind kind, const llvm::Twine &context);
  bool parseIdentifier(Identifier &result, const llvm::Twine &context);
  /// True for tokens that name a setting: identifiers and the `model` keyword.
  bool atSettingName() const;
  bool atExpressionStart(const Token &token) const;
  /// Parses `element {"," element}` up to and including `close`.
  bool parseCommaSeparatedList(Token::Kind close, const llvm::Twine &context,
                               llvm::function_ref<bool()> parseElement);
  void emitError(const llvm::Twine &message) { emitError(cur().getLoc(), message); }
  void emitError(llvm::SMLoc loc, const llvm::Twine &message);
  /// Skips to just after the next `;` at this nesting depth, or to a `}` / `stop`.
  void skipPastSemicolon();
  void skipToNextDecl();

  SourceDiagnostics &diags;
  std::vector<Token> tokens;
  size_t pos = 0;
  unsigned nestingDepth = 0;
  bool hadError = false;
};

} // namespace sweep

#endif // SWEEP_LANG_PARSER_H
