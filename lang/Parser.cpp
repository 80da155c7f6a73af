//===- Parser.cpp - .sweep recursive-descent parser -----------------------===//

#include "lang/Parser.h"

#include <algorithm>

#include "lang/Lexer.h"

using namespace sweep;

/// Deeper nesting than this is certainly not a real sweep, and unbounded
/// recursion would overflow the stack on hostile input.
static constexpr unsigned kMaxNestingDepth = 320;
/// The deepest expression tree the parser builds: a chain of operators
/// (`a + a + ... + a`) is parsed in a loop, not by recursion, but every later
/// pass walks the tree recursively, 20,000 deep overflowed their stacks.
static constexpr unsigned kMaxExprDepth = 1000;

namespace {
/// Counts recursion depth for one parse method activation.
class NestingGuard {
public:
  explicit NestingGuard(unsigned &depth) : depth(depth) { ++depth; }
  ~NestingGuard() { --depth; }
  bool tooDeep() const { return depth > kMaxNestingDepth; }

private:
  unsigned &depth;
};
} // namespace

Parser::Parser(const llvm::SourceMgr &sourceMgr, unsigned bufferId, SourceDiagnostics &diags)
    : diags(diags) {
  Lexer lexer(sourceMgr, bufferId, diags);
  // Lex eagerly: the grammar needs two tokens of lookahead for `name value`
  // arguments. Lexical errors are all reported (up to a limit, for binary
  // garbage), but then nothing is parsed: the parser would only trip over the
  // holes they leave.
  constexpr unsigned kMaxLexicalErrors = 20;
  unsigned lexicalErrors = 0;
  for (;;) {
    Token token = lexer.lexToken();
    if (token.is(Token::error)) {
      if (++lexicalErrors == kMaxLexicalErrors) {
        diags.error(token.getLoc(), "too many lexical errors; stopping");
        break;
      }
      continue;
    }
    tokens.push_back(token);
    if (token.is(Token::eof))
      break;
  }
  if (lexicalErrors) {
    hadError = true;
    tokens.assign(1, Token(Token::eof, llvm::StringRef()));
  }
}

void Parser::emitError(llvm::SMLoc loc, const llvm::Twine &message) {
  diags.error(loc, message);
  hadError = true;
}

bool Parser::parseToken(Token::Kind kind, const llvm::Twine &context) {
  if (consumeIf(kind))
    return true;
  // A ';' missing at a line's end is reported there, just after the last
  // token, not at the next line's first token (which is right as written).
  // Regression: `dataset d = spirals()` without its ';' was an error at the
  // `sweep` of the line below.
  if (kind == Token::semi && pos > 0) {
    llvm::StringRef before = tokens[pos - 1].getSpelling();
    const char *end = before.end(), *next = cur().getLoc().getPointer();
    if (end && next && end < next && std::find(end, next, '\n') != next) {
      emitError(llvm::SMLoc::getFromPointer(end),
                "expected " + Token::getDescription(kind) + " " + context);
      return false;
    }
  }
  emitError("expected " + Token::getDescription(kind) + " " + context);
  return false;
}

bool Parser::parseIdentifier(Identifier &result, const llvm::Twine &context) {
  if (cur().isNot(Token::identifier)) {
    if (cur().isKeyword())
      emitError("expected identifier " + context + ", found keyword '" +
                cur().getSpelling() + "'");
    else
      emitError("expected identifier " + context);
    return false;
  }
  result = {cur().getSpelling().str(), cur().getLoc()};
  consume();
  return true;
}

bool Parser::atSettingName() const {
  return cur().is(Token::identifier) || cur().is(Token::kw_model);
}

bool Parser::atExpressionStart(const Token &token) const {
  switch (token.getKind()) {
  case Token::identifier:
  case Token::kw_model:
  case Token::integer:
  case Token::floating:
  case Token::string:
  case Token::kw_true:
  case Token::kw_false:
  case Token::l_square:
    return true;
  default:
    return false;
  }
}

bool Parser::parseCommaSeparatedList(Token::Kind close, const llvm::Twine &context,
                                     llvm::function_ref<bool()> parseElement) {
  if (consumeIf(close))
    return true;
  do {
    if (!parseElement())
      return false;
  } while (consumeIf(Token::comma));
  return parseToken(close, context);
}

void Parser::skipPastSemicolon() {
  unsigned depth = 0;
  for (;;) {
    switch (cur().getKind()) {
    case Token::eof:
    case Token::error:
      return;
    case Token::l_brace:
    case Token::l_paren:
    case Token::l_square:
      ++depth;
      break;
    case Token::r_paren:
    case Token::r_square:
      if (depth)
        --depth;
      break;
    case Token::r_brace:
      if (depth == 0)
        return; // Let the enclosing block close.
      --depth;
      break;
    case Token::semi:
      if (depth == 0) {
        consume();
        return;
      }
      break;
    default:
      break;
    }
    consume();
  }
}

void Parser::skipToNextDecl() {
  while (cur().isNot(Token::eof) && cur().isNot(Token::error)) {
    if (cur().is(Token::kw_dataset) || cur().is(Token::kw_sweep))
      return;
    // `model` starts a declaration only when a name follows; inside a sweep it is a setting.
    if (cur().is(Token::kw_model) && peek().is(Token::identifier) && peek(2).is(Token::l_paren))
      return;
    consume();
  }
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

/// file ::= { decl }
std::optional<Module> Parser::parseModule() {
  if (hadError)
    return std::nullopt; // Lexical errors, already reported.
  Module module;
  while (cur().isNot(Token::eof) && cur().isNot(Token::error)) {
    if (DeclPtr decl = parseDecl()) {
      module.decls.push_back(std::move(decl));
      continue;
    }
    skipToNextDecl();
  }
  if (hadError)
    return std::nullopt;
  return module;
}

/// decl ::= dataset-decl | model-decl | sweep-decl
DeclPtr Parser::parseDecl() {
  switch (cur().getKind()) {
  case Token::kw_dataset:
    return parseDatasetDecl();
  case Token::kw_model:
    return parseModelDecl();
  case Token::kw_sweep:
    return parseSweepDecl();
  default:
    emitError("expected 'dataset', 'model' or 'sweep' declaration");
    consume();
    return nullptr;
  }
}

/// dataset-decl ::= "dataset" ident "=" call ";"
DeclPtr Parser::parseDatasetDecl() {
  consume(); // dataset
  Identifier name;
  if (!parseIdentifier(name, "after 'dataset'") || !parseToken(Token::equal, "after dataset name"))
    return nullptr;
  if (cur().isNot(Token::identifier) || peek().isNot(Token::l_paren)) {
    emitError("expected a data source call such as 'fashion_mnist()' after '='");
    return nullptr;
  }
  ExprPtr source = parseNameOrCall();
  if (!source || !parseToken(Token::semi, "after dataset declaration"))
    return nullptr;
  std::unique_ptr<CallExpr> call(llvm::cast<CallExpr>(source.release()));
  return std::make_unique<DatasetDecl>(std::move(name), std::move(call));
}

/// model-decl ::= "model" ident "(" [ param { "," param } ] ")" block
DeclPtr Parser::parseModelDecl() {
  consume(); // model
  Identifier name;
  if (!parseIdentifier(name, "after 'model'") ||
      !parseToken(Token::l_paren, "to start the model's parameter list"))
    return nullptr;
  std::vector<ModelParam> params;
  if (!parseCommaSeparatedList(Token::r_paren, "to end the model's parameter list",
                               [&] { return parseModelParam(params); }))
    return nullptr;
  std::vector<StmtPtr> body;
  if (!parseBlock(body))
    return nullptr;
  return std::make_unique<ModelDecl>(std::move(name), std::move(params), std::move(body));
}

/// param ::= ident ":" type-name [ "=" expr ]
bool Parser::parseModelParam(std::vector<ModelParam> &params) {
  ModelParam param;
  if (!parseIdentifier(param.name, "for a model parameter") ||
      !parseToken(Token::colon, "and a type after the parameter name") ||
      !parseIdentifier(param.type, "naming the parameter's type"))
    return false;
  if (consumeIf(Token::equal)) {
    param.defaultValue = parseExpr();
    if (!param.defaultValue)
      return false;
  }
  params.push_back(std::move(param));
  return true;
}

/// block ::= "{" { stmt } "}"
bool Parser::parseBlock(std::vector<StmtPtr> &body) {
  NestingGuard guard(nestingDepth);
  if (guard.tooDeep()) {
    emitError("blocks nested too deeply");
    return false;
  }
  if (!parseToken(Token::l_brace, "to start a block"))
    return false;
  bool ok = true;
  while (cur().isNot(Token::r_brace)) {
    if (cur().is(Token::eof) || cur().is(Token::error)) {
      emitError("expected '}' to end the block");
      return false;
    }
    if (StmtPtr stmt = parseStmt()) {
      body.push_back(std::move(stmt));
      continue;
    }
    ok = false;
    if (nestingDepth > kMaxNestingDepth || cur().is(Token::eof))
      return false;
    skipPastSemicolon();
  }
  consume(); // }
  return ok;
}

/// stmt ::= ident "=" expr ";" | "repeat" expr block | "return" expr ";"
StmtPtr Parser::parseStmt() {
  llvm::SMLoc loc = cur().getLoc();
  if (consumeIf(Token::kw_repeat)) {
    ExprPtr count = parseExpr();
    std::vector<StmtPtr> body;
    if (!count || !parseBlock(body))
      return nullptr;
    return std::make_unique<RepeatStmt>(loc, std::move(count), std::move(body));
  }
  if (consumeIf(Token::kw_return)) {
    ExprPtr value = parseExpr();
    if (!value || !parseToken(Token::semi, "after return value"))
      return nullptr;
    return std::make_unique<ReturnStmt>(loc, std::move(value));
  }
  Identifier name;
  if (cur().isNot(Token::identifier)) {
    emitError("expected a statement: 'x = ...;', 'repeat n { ... }' or 'return x;'");
    return nullptr;
  }
  parseIdentifier(name, "");
  if (!parseToken(Token::equal, "in assignment"))
    return nullptr;
  ExprPtr value = parseExpr();
  if (!value || !parseToken(Token::semi, "after assignment"))
    return nullptr;
  return std::make_unique<AssignStmt>(name.loc, std::move(name.name), std::move(value));
}

/// sweep-decl ::= "sweep" ident "{" { clause } "}"
DeclPtr Parser::parseSweepDecl() {
  consume(); // sweep
  Identifier name;
  if (!parseIdentifier(name, "after 'sweep'") ||
      !parseToken(Token::l_brace, "to start the sweep body"))
    return nullptr;
  std::vector<ClausePtr> clauses;
  bool ok = true;
  while (!consumeIf(Token::r_brace)) {
    if (cur().is(Token::eof) || cur().is(Token::error)) {
      emitError("expected '}' to end sweep '" + name.name + "'");
      return nullptr;
    }
    if (ClausePtr clause = parseClause()) {
      clauses.push_back(std::move(clause));
      continue;
    }
    ok = false;
    skipPastSemicolon();
  }
  if (!ok)
    return nullptr;
  return std::make_unique<SweepDecl>(std::move(name), std::move(clauses));
}

/// clause ::= "where" expr ";"
///          | "zip" name { "," name } ";"
///          | "report" ident { "," ident } ";"
///          | setting { "," setting } ";"
ClausePtr Parser::parseClause() {
  llvm::SMLoc loc = cur().getLoc();
  if (consumeIf(Token::kw_where)) {
    ExprPtr condition = parseExpr();
    if (!condition || !parseToken(Token::semi, "after 'where' condition"))
      return nullptr;
    return std::make_unique<WhereClause>(loc, std::move(condition));
  }
  if (consumeIf(Token::kw_zip)) {
    std::vector<Identifier> axes;
    if (!parseIdentifierList(axes, /*allowQualified=*/true) ||
        !parseToken(Token::semi, "after 'zip' axes"))
      return nullptr;
    return std::make_unique<ZipClause>(loc, std::move(axes));
  }
  if (consumeIf(Token::kw_report)) {
    std::vector<Identifier> metrics;
    if (!parseIdentifierList(metrics, /*allowQualified=*/false) ||
        !parseToken(Token::semi, "after 'report' metrics"))
      return nullptr;
    return std::make_unique<ReportClause>(loc, std::move(metrics));
  }
  if (!atSettingName()) {
    emitError("expected a sweep setting such as 'data', 'model' or 'optimizer'");
    return nullptr;
  }
  std::vector<Setting> settings;
  do {
    if (!parseSetting(settings))
      return nullptr;
  } while (consumeIf(Token::comma));
  if (!parseToken(Token::semi, "after sweep setting"))
    return nullptr;
  return std::make_unique<SettingsClause>(loc, std::move(settings));
}

/// name-list ::= name { "," name }    name ::= ident { "." ident }
bool Parser::parseIdentifierList(std::vector<Identifier> &names, bool allowQualified) {
  do {
    Identifier name;
    if (cur().is(Token::kw_model)) {
      name = {"model", cur().getLoc()};
      consume();
    } else if (!parseIdentifier(name, "in list")) {
      return false;
    }
    while (allowQualified && cur().is(Token::period)) {
      consume();
      Identifier part;
      if (!parseIdentifier(part, "after '.'"))
        return false;
      name.name += "." + part.name;
    }
    names.push_back(std::move(name));
  } while (consumeIf(Token::comma));
  return true;
}

/// setting ::= setting-name ( [":"] expr | "in" expr | "(" args ")" )
/// setting-name ::= ident | "model"
bool Parser::parseSetting(std::vector<Setting> &settings) {
  if (!atSettingName()) {
    emitError("expected a setting name");
    return false;
  }
  Setting setting;
  setting.name = cur().getSpelling().str();
  setting.nameLoc = cur().getLoc();
  if (peek().is(Token::l_paren)) {
    // `early_stop(patience: 3)`: the setting takes arguments directly.
    setting.value = parseNameOrCall();
  } else {
    consume();
    if (consumeIf(Token::kw_in)) {
      setting.isAxis = true;
    } else {
      consumeIf(Token::colon);
    }
    if (cur().is(Token::semi) || cur().is(Token::comma)) {
      emitError("expected a value for setting '" + setting.name + "'");
      return false;
    }
    setting.value = parseExpr();
  }
  if (!setting.value)
    return false;
  settings.push_back(std::move(setting));
  return true;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

bool Parser::isTooDeep(const Expr &expr) {
  if (expr.getDepth() <= kMaxExprDepth)
    return false;
  emitError("expression nested too deeply (more than " + std::to_string(kMaxExprDepth) +
            " levels of operators, calls and lists)");
  return true;
}

/// expr ::= or-expr
ExprPtr Parser::parseExpr() {
  NestingGuard guard(nestingDepth);
  if (guard.tooDeep()) {
    emitError("expression nested too deeply");
    return nullptr;
  }
  return parseOrExpr();
}

/// or-expr ::= and-expr { "||" and-expr }
ExprPtr Parser::parseOrExpr() {
  ExprPtr lhs = parseAndExpr();
  while (lhs && cur().is(Token::pipe_pipe)) {
    llvm::SMLoc loc = cur().getLoc();
    consume();
    ExprPtr rhs = parseAndExpr();
    if (!rhs)
      return nullptr;
    lhs = std::make_unique<BinaryExpr>(loc, BinaryExpr::Op::Or, std::move(lhs), std::move(rhs));
    if (isTooDeep(*lhs))
      return nullptr;
  }
  return lhs;
}

/// and-expr ::= comparison { "&&" comparison }
ExprPtr Parser::parseAndExpr() {
  ExprPtr lhs = parseComparison();
  while (lhs && cur().is(Token::amp_amp)) {
    llvm::SMLoc loc = cur().getLoc();
    consume();
    ExprPtr rhs = parseComparison();
    if (!rhs)
      return nullptr;
    lhs = std::make_unique<BinaryExpr>(loc, BinaryExpr::Op::And, std::move(lhs), std::move(rhs));
    if (isTooDeep(*lhs))
      return nullptr;
  }
  return lhs;
}

/// comparison ::= range [ ("<" | "<=" | ">" | ">=" | "==" | "!=") range ]
ExprPtr Parser::parseComparison() {
  ExprPtr lhs = parseRange();
  if (!lhs)
    return nullptr;
  BinaryExpr::Op op;
  switch (cur().getKind()) {
  case Token::less: op = BinaryExpr::Op::Lt; break;
  case Token::less_equal: op = BinaryExpr::Op::Le; break;
  case Token::greater: op = BinaryExpr::Op::Gt; break;
  case Token::greater_equal: op = BinaryExpr::Op::Ge; break;
  case Token::equal_equal: op = BinaryExpr::Op::Eq; break;
  case Token::not_equal: op = BinaryExpr::Op::Ne; break;
  default:
    return lhs;
  }
  llvm::SMLoc loc = cur().getLoc();
  consume();
  ExprPtr rhs = parseRange();
  if (!rhs)
    return nullptr;
  return std::make_unique<BinaryExpr>(loc, op, std::move(lhs), std::move(rhs));
}

/// range ::= additive [ ".." additive [ "step" additive ] ]
ExprPtr Parser::parseRange() {
  ExprPtr lo = parseAdditive();
  if (!lo || cur().isNot(Token::dotdot))
    return lo;
  llvm::SMLoc loc = cur().getLoc();
  consume();
  ExprPtr hi = parseAdditive();
  if (!hi)
    return nullptr;
  ExprPtr step;
  if (cur().is(Token::identifier) && cur().getSpelling() == "step") {
    consume();
    step = parseAdditive();
    if (!step)
      return nullptr;
  }
  return std::make_unique<RangeExpr>(loc, std::move(lo), std::move(hi), std::move(step));
}

/// additive ::= multiplicative { ("+" | "-") multiplicative }
ExprPtr Parser::parseAdditive() {
  ExprPtr lhs = parseMultiplicative();
  while (lhs && (cur().is(Token::plus) || cur().is(Token::minus))) {
    auto op = cur().is(Token::plus) ? BinaryExpr::Op::Add : BinaryExpr::Op::Sub;
    llvm::SMLoc loc = cur().getLoc();
    consume();
    ExprPtr rhs = parseMultiplicative();
    if (!rhs)
      return nullptr;
    lhs = std::make_unique<BinaryExpr>(loc, op, std::move(lhs), std::move(rhs));
    if (isTooDeep(*lhs))
      return nullptr;
  }
  return lhs;
}

/// multiplicative ::= unary { ("*" | "/" | "%") unary }
ExprPtr Parser::parseMultiplicative() {
  ExprPtr lhs = parseUnary();
  while (lhs && (cur().is(Token::star) || cur().is(Token::slash) || cur().is(Token::percent))) {
    auto op = cur().is(Token::star)    ? BinaryExpr::Op::Mul
              : cur().is(Token::slash) ? BinaryExpr::Op::Div
                                       : BinaryExpr::Op::Rem;
    llvm::SMLoc loc = cur().getLoc();
    consume();
    ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    lhs = std::make_unique<BinaryExpr>(loc, op, std::move(lhs), std::move(rhs));
    if (isTooDeep(*lhs))
      return nullptr;
  }
  return lhs;
}

/// unary ::= ("-" | "!") unary | primary
ExprPtr Parser::parseUnary() {
  NestingGuard guard(nestingDepth);
  if (guard.tooDeep()) {
    emitError("expression nested too deeply");
    return nullptr;
  }
  llvm::SMLoc loc = cur().getLoc();
  if (consumeIf(Token::minus)) {
    ExprPtr operand = parseUnary();
    if (!operand)
      return nullptr;
    // Fold `-literal` here so that `-1` is one literal in dumps and sema.
    if (auto *i = llvm::dyn_cast<IntegerExpr>(operand.get()))
      return std::make_unique<IntegerExpr>(loc, -i->getValue());
    if (auto *f = llvm::dyn_cast<FloatExpr>(operand.get()))
      return std::make_unique<FloatExpr>(loc, -f->getValue());
    return std::make_unique<UnaryExpr>(loc, UnaryExpr::Op::Negate, std::move(operand));
  }
  if (consumeIf(Token::exclaim)) {
    ExprPtr operand = parseUnary();
    if (!operand)
      return nullptr;
    return std::make_unique<UnaryExpr>(loc, UnaryExpr::Op::Not, std::move(operand));
  }
  return parsePrimary();
}

/// primary ::= integer | number | string | "true" | "false" | name [ "(" args ")" ]
///           | "[" [ expr { "," expr } ] "]" | "(" expr ")"
ExprPtr Parser::parsePrimary() {
  llvm::SMLoc loc = cur().getLoc();
  switch (cur().getKind()) {
  case Token::integer: {
    std::optional<int64_t> value = cur().getIntegerValue();
    if (!value) {
      emitError("integer literal '" + cur().getSpelling() + "' is too large");
      return nullptr;
    }
    consume();
    return std::make_unique<IntegerExpr>(loc, *value);
  }
  case Token::floating: {
    std::optional<double> value = cur().getFloatingValue();
    if (!value) {
      emitError("number '" + cur().getSpelling() + "' is out of range");
      return nullptr;
    }
    consume();
    return std::make_unique<FloatExpr>(loc, *value);
  }
  case Token::string: {
    std::string value = cur().getStringValue();
    consume();
    return std::make_unique<StringExpr>(loc, std::move(value));
  }
  case Token::kw_true:
  case Token::kw_false: {
    bool value = cur().is(Token::kw_true);
    consume();
    return std::make_unique<BoolExpr>(loc, value);
  }
  case Token::identifier:
  case Token::kw_model:
    return parseNameOrCall();
  case Token::l_square:
    return parseList();
  case Token::l_paren: {
    consume();
    ExprPtr inner = parseExpr();
    if (!inner || !parseToken(Token::r_paren, "to close parenthesized expression"))
      return nullptr;
    return inner;
  }
  default:
    emitError("expected an expression");
    return nullptr;
  }
}

/// name-or-call ::= name [ "(" args ")" ]     name ::= ident { "." ident }
ExprPtr Parser::parseNameOrCall() {
  llvm::SMLoc loc = cur().getLoc();
  std::string name = cur().getSpelling().str();
  consume();
  while (cur().is(Token::period)) {
    consume();
    Identifier part;
    if (!parseIdentifier(part, "after '.'"))
      return nullptr;
    name += "." + part.name;
  }
  if (cur().isNot(Token::l_paren))
    return std::make_unique<NameExpr>(loc, std::move(name));
  std::optional<std::vector<Setting>> args = parseArguments();
  if (!args)
    return nullptr;
  return std::make_unique<CallExpr>(loc, std::move(name), std::move(*args));
}

/// args ::= "(" [ arg { "," arg } ] ")"
std::optional<std::vector<Setting>> Parser::parseArguments() {
  NestingGuard guard(nestingDepth);
  if (guard.tooDeep()) {
    emitError("expression nested too deeply");
    return std::nullopt;
  }
  consume(); // (
  std::vector<Setting> args;
  if (!parseCommaSeparatedList(Token::r_paren, "to close the argument list",
                               [&] { return parseArgument(args); }))
    return std::nullopt;
  return args;
}

/// arg ::= ident ":" expr | ident "in" expr | ident value | expr
/// where `ident value` needs `value` to start with a literal, a name or "[",
/// so that `depth - 1` stays an expression.
bool Parser::parseArgument(std::vector<Setting> &args) {
  Setting arg;
  const Token &next = peek();
  bool named = cur().is(Token::identifier) &&
               (next.is(Token::colon) || next.is(Token::kw_in) || atExpressionStart(next));
  if (named) {
    arg.name = cur().getSpelling().str();
    arg.nameLoc = cur().getLoc();
    consume();
    if (consumeIf(Token::kw_in))
      arg.isAxis = true;
    else
      consumeIf(Token::colon);
  }
  arg.value = parseExpr();
  if (!arg.value)
    return false;
  args.push_back(std::move(arg));
  return true;
}

/// list ::= "[" [ expr { "," expr } ] "]"
ExprPtr Parser::parseList() {
  llvm::SMLoc loc = cur().getLoc();
  consume(); // [
  std::vector<ExprPtr> elements;
  if (!parseCommaSeparatedList(Token::r_square, "to close the list", [&] {
        ExprPtr element = parseExpr();
        if (!element)
          return false;
        elements.push_back(std::move(element));
        return true;
      }))
    return nullptr;
  return std::make_unique<ListExpr>(loc, std::move(elements));
}
