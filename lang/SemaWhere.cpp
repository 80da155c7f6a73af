//===- SemaWhere.cpp - `where` constraints ---------------------------------===//
//
// A `where` condition names settings by path (`optimizer.lr`) or by a unique
// last component (`lr`); other names are symbols to compare against
// (`optimizer == adam`). Conditions are typed here so that expansion never
// meets a type error.
//
//===----------------------------------------------------------------------===//

#include "lang/SemaInternal.h"

using namespace sweep;

static llvm::StringRef describe(ValueType type) {
  switch (type) {
  case ValueType::Number: return "a number";
  case ValueType::Bool: return "true or false";
  case ValueType::Symbol: return "a name";
  case ValueType::String: return "a string";
  }
  return "a value";
}

std::vector<llvm::StringRef> Sema::getKnownSymbols() const {
  std::vector<llvm::StringRef> symbols(getActivationNames().begin(), getActivationNames().end());
  for (const DeclPtr &decl : module.decls)
    symbols.push_back(decl->getName());
  for (llvm::StringRef familyName :
       {"sweep", "optimizer", "schedule", "init", "source", "early_stop", "energy", "divergence",
        "prune"}) {
    const FamilySpec *family = lookupFamily(familyName);
    for (const KindSpec &kind : family->kinds) {
      if (familyName != "sweep" && familyName != "early_stop" && familyName != "energy" &&
          familyName != "divergence")
        symbols.push_back(kind.name);
      for (const ParamSpec &param : kind.params)
        if (param.type.kind == ParamType::Kind::Symbol)
          symbols.insert(symbols.end(), param.type.symbols.begin(), param.type.symbols.end());
    }
  }
  return symbols;
}

bool Sema::isKnownSymbol(llvm::StringRef name) const {
  return llvm::is_contained(getKnownSymbols(), name);
}

void Sema::checkWhere(const WhereClause &clause) {
  Constraint constraint;
  constraint.condition = clause.getCondition();
  constraint.loc = clause.getLoc();
  std::optional<ValueType> type = typeWhereExpr(clause.getCondition(), constraint);
  if (!type)
    return;
  if (*type != ValueType::Bool) {
    diags.error(clause.getCondition()->getLoc(),
                "a 'where' condition must be true or false, not " + describe(*type));
    return;
  }
  spec->constraints.push_back(std::move(constraint));
}

std::optional<ValueType> Sema::typeWhereExpr(const Expr *expr, Constraint &constraint) {
  switch (expr->getKind()) {
  case Expr::Kind::Integer:
  case Expr::Kind::Float:
    return ValueType::Number;
  case Expr::Kind::Bool:
    return ValueType::Bool;
  case Expr::Kind::String:
    return ValueType::String;
  case Expr::Kind::Name: {
    auto *nameExpr = llvm::cast<NameExpr>(expr);
    llvm::StringRef name = nameExpr->getName();
    auto bind = [&](int path) -> std::optional<ValueType> {
      if (spec->paths[path].mixedTypes) {
        diags.error(expr->getLoc(), "'" + spec->paths[path].path +
                                        "' has different types in different alternatives; "
                                        "'where' cannot use it");
        return std::nullopt;
      }
      constraint.boundPaths[nameExpr] = path;
      return spec->paths[path].type;
    };
    auto exact = spec->pathIds.find(name);
    if (exact != spec->pathIds.end())
      return bind(exact->second);
    std::vector<int> matches;
    for (size_t i = 0; i < spec->paths.size(); ++i) {
      llvm::StringRef path = spec->paths[i].path;
      if (path.size() > name.size() && path.ends_with(name) &&
          path[path.size() - name.size() - 1] == '.')
        matches.push_back(int(i));
    }
    if (matches.size() == 1)
      return bind(matches.front());
    if (matches.size() > 1) {
      auto diag = diags.error(expr->getLoc(), "'" + name + "' is ambiguous; write its full path");
      for (int match : matches)
        diag.attachNote() << "it could be '" << spec->paths[match].path << "'";
      return std::nullopt;
    }
    if (!nameExpr->isQualified() && isKnownSymbol(name))
      return ValueType::Symbol;
    auto diag = diags.error(expr->getLoc(), "unknown name '" + name + "' in 'where'");
    std::vector<llvm::StringRef> candidates = getKnownSymbols();
    for (const PathInfo &info : spec->paths) {
      candidates.push_back(info.path);
      candidates.push_back(llvm::StringRef(info.path).rsplit('.').second);
    }
    SourceDiagnostics::suggest(diag, name, candidates);
    return std::nullopt;
  }
  case Expr::Kind::Unary: {
    auto *unary = llvm::cast<UnaryExpr>(expr);
    std::optional<ValueType> operand = typeWhereExpr(unary->getOperand(), constraint);
    if (!operand)
      return std::nullopt;
    ValueType wanted =
        unary->getOp() == UnaryExpr::Op::Not ? ValueType::Bool : ValueType::Number;
    if (*operand != wanted) {
      diags.error(expr->getLoc(), llvm::Twine(unary->getOp() == UnaryExpr::Op::Not ? "'!'" : "'-'") +
                                      " needs " + describe(wanted) + ", got " +
                                      describe(*operand));
      return std::nullopt;
    }
    return wanted;
  }
  case Expr::Kind::Binary: {
    auto *binary = llvm::cast<BinaryExpr>(expr);
    std::optional<ValueType> lhs = typeWhereExpr(binary->getLhs(), constraint);
    if (!lhs)
      return std::nullopt;
    std::optional<ValueType> rhs = typeWhereExpr(binary->getRhs(), constraint);
    if (!rhs)
      return std::nullopt;
    BinaryExpr::Op op = binary->getOp();
    llvm::StringRef spelling = BinaryExpr::getSpelling(op);
    if (BinaryExpr::isLogical(op)) {
      if (*lhs != ValueType::Bool || *rhs != ValueType::Bool) {
        diags.error(expr->getLoc(), "'" + spelling + "' needs true or false on both sides");
        return std::nullopt;
      }
      return ValueType::Bool;
    }
    if (op == BinaryExpr::Op::Eq || op == BinaryExpr::Op::Ne) {
      auto isText = [](ValueType t) { return t == ValueType::Symbol || t == ValueType::String; };
      if (*lhs != *rhs && !(isText(*lhs) && isText(*rhs))) {
        diags.error(expr->getLoc(), "cannot compare " + describe(*lhs) + " with " +
                                        describe(*rhs));
        return std::nullopt;
      }
      return ValueType::Bool;
    }
    if (*lhs != ValueType::Number || *rhs != ValueType::Number) {
      diags.error(expr->getLoc(), "'" + spelling + "' needs numbers on both sides");
      return std::nullopt;
    }
    return BinaryExpr::isComparison(op) ? ValueType::Bool : ValueType::Number;
  }
  case Expr::Kind::Call:
  case Expr::Kind::List:
  case Expr::Kind::Range:
    diags.error(expr->getLoc(), "only settings, values, arithmetic, comparisons and '&&', "
                                "'||', '!' may appear in 'where'");
    return std::nullopt;
  }
  return std::nullopt;
}
