//===- ModelHash.cpp - what a model declaration computes, as 64 bits ------===//

#include "lang/ModelHash.h"

#include "lang/Hash64.h"

#include <cstring>

using namespace sweep;

namespace {
/// Folds tokens of the tree into one hash, each tagged so that different
/// trees cannot spell the same stream ("a" "bc" and "ab" "c").
class TreeHasher {
public:
  void tag(uint64_t value) { hash = mix64(hash ^ mix64(value + 0x632be59bd9b4e019ull)); }
  void text(llvm::StringRef s) { tag(fnv1a(s.data(), s.size()) ^ s.size()); }

  void expr(const Expr *e) {
    if (!e) {
      tag(0xdead);
      return;
    }
    tag(uint64_t(e->getKind()) + 1);
    switch (e->getKind()) {
    case Expr::Kind::Integer: tag(uint64_t(llvm::cast<IntegerExpr>(e)->getValue())); break;
    case Expr::Kind::Float: {
      double f = llvm::cast<FloatExpr>(e)->getValue();
      uint64_t bits = 0;
      std::memcpy(&bits, &f, sizeof bits);
      tag(bits);
      break;
    }
    case Expr::Kind::String: text(llvm::cast<StringExpr>(e)->getValue()); break;
    case Expr::Kind::Bool: tag(llvm::cast<BoolExpr>(e)->getValue()); break;
    case Expr::Kind::Name: text(llvm::cast<NameExpr>(e)->getName()); break;
    case Expr::Kind::Call: {
      auto *call = llvm::cast<CallExpr>(e);
      text(call->getCallee());
      tag(call->getArgs().size());
      for (const Setting &arg : call->getArgs()) {
        text(arg.name);
        tag(arg.isAxis);
        expr(arg.value.get());
      }
      break;
    }
    case Expr::Kind::List: {
      auto *list = llvm::cast<ListExpr>(e);
      tag(list->getElements().size());
      for (const ExprPtr &element : list->getElements())
        expr(element.get());
      break;
    }
    case Expr::Kind::Range: {
      auto *range = llvm::cast<RangeExpr>(e);
      expr(range->getLo());
      expr(range->getHi());
      expr(range->getStep());
      break;
    }
    case Expr::Kind::Unary: {
      auto *unary = llvm::cast<UnaryExpr>(e);
      tag(uint64_t(unary->getOp()));
      expr(unary->getOperand());
      break;
    }
    case Expr::Kind::Binary: {
      auto *binary = llvm::cast<BinaryExpr>(e);
      tag(uint64_t(binary->getOp()));
      expr(binary->getLhs());
      expr(binary->getRhs());
      break;
    }
    }
  }

  void block(llvm::ArrayRef<StmtPtr> body) {
    tag(body.size());
    for (const StmtPtr &stmt : body) {
      tag(uint64_t(stmt->getKind()) + 100);
      if (auto *assign = llvm::dyn_cast<AssignStmt>(stmt.get())) {
        text(assign->getName());
        expr(assign->getValue());
      } else if (auto *repeat = llvm::dyn_cast<RepeatStmt>(stmt.get())) {
        expr(repeat->getCount());
        block(repeat->getBody());
      } else {
        expr(llvm::cast<ReturnStmt>(stmt.get())->getValue());
      }
    }
  }

  uint64_t hash = 0x5eed0f0de1ull;
};
} // namespace

uint64_t sweep::hashModelDecl(const ModelDecl &model) {
  TreeHasher hasher;
  hasher.tag(model.getParams().size());
  for (const ModelParam &param : model.getParams()) {
    hasher.text(param.name.name);
    hasher.text(param.type.name);
    hasher.expr(param.defaultValue.get());
  }
  hasher.block(model.getBody());
  return hasher.hash;
}
