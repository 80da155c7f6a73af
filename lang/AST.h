//===- AST.h - .sweep abstract syntax tree ----------------------*- C++ -*-===//
//
// The parser's output: declarations, statements and expressions with their
// source locations. LLVM-style RTTI (a kind enum and classof), unique_ptr children.
// Nothing here knows about MLIR; sema turns this into a checked SweepSpec.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_AST_H
#define SWEEP_LANG_AST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
class SourceMgr;
} // namespace llvm

namespace sweep {

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class Expr {
public:
  enum class Kind { Integer, Float, String, Bool, Name, Call, List, Range, Unary, Binary };

  Expr(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
  virtual ~Expr() = default;

  Kind getKind() const { return kind; }
  llvm::SMLoc getLoc() const { return loc; }
  /// The height of the tree below and including this node (1 for a leaf):
  /// what a recursive walk of it costs in stack, which the parser bounds.
  unsigned getDepth() const { return depth; }
  /// The nodes of the tree, this one included: what evaluating it costs.
  uint64_t getSize() const { return size; }

protected:
  /// One more than the deepest of `child` and what is already counted.
  void countChild(const Expr *child) {
    if (child) {
      depth = std::max(depth, child->depth + 1);
      size += child->size;
    }
  }

private:
  const Kind kind;
  llvm::SMLoc loc;
  unsigned depth = 1;
  uint64_t size = 1;
};

using ExprPtr = std::unique_ptr<Expr>;

class IntegerExpr : public Expr {
public:
  IntegerExpr(llvm::SMLoc loc, int64_t value) : Expr(Kind::Integer, loc), value(value) {}
  int64_t getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Integer; }

private:
  int64_t value;
};

class FloatExpr : public Expr {
public:
  FloatExpr(llvm::SMLoc loc, double value) : Expr(Kind::Float, loc), value(value) {}
  double getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Float; }

private:
  double value;
};

class StringExpr : public Expr {
public:
  StringExpr(llvm::SMLoc loc, std::string value)
      : Expr(Kind::String, loc), value(std::move(value)) {}
  llvm::StringRef getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::String; }

private:
  std::string value;
};

class BoolExpr : public Expr {
public:
  BoolExpr(llvm::SMLoc loc, bool value) : Expr(Kind::Bool, loc), value(value) {}
  bool getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Bool; }

private:
  bool value;
};

/// A name, possibly qualified with dots: `width`, `optimizer.lr`.
class NameExpr : public Expr {
public:
  NameExpr(llvm::SMLoc loc, std::string name) : Expr(Kind::Name, loc), name(std::move(name)) {}
  llvm::StringRef getName() const { return name; }
  bool isQualified() const { return name.find('.') != std::string::npos; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }

private:
  std::string name;
};

/// One `name value`, `name: value`, `name in axis`, `name(args)` or positional
/// `value`. Used for call arguments and for sweep settings alike.
struct Setting {
  std::string name; // Empty for a positional argument.
  llvm::SMLoc nameLoc;
  bool isAxis = false; // `name in axis`
  ExprPtr value;

  llvm::SMLoc getLoc() const { return name.empty() ? value->getLoc() : nameLoc; }
};

class CallExpr : public Expr {
public:
  CallExpr(llvm::SMLoc loc, std::string callee, std::vector<Setting> args)
      : Expr(Kind::Call, loc), callee(std::move(callee)), args(std::move(args)) {
    for (const Setting &arg : this->args)
      countChild(arg.value.get());
  }
  llvm::StringRef getCallee() const { return callee; }
  llvm::ArrayRef<Setting> getArgs() const { return args; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }

private:
  std::string callee;
  std::vector<Setting> args;
};

class ListExpr : public Expr {
public:
  ListExpr(llvm::SMLoc loc, std::vector<ExprPtr> elements)
      : Expr(Kind::List, loc), elements(std::move(elements)) {
    for (const ExprPtr &element : this->elements)
      countChild(element.get());
  }
  llvm::ArrayRef<ExprPtr> getElements() const { return elements; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::List; }

private:
  std::vector<ExprPtr> elements;
};

/// `lo..hi` or `lo..hi step s`, both ends included.
class RangeExpr : public Expr {
public:
  RangeExpr(llvm::SMLoc loc, ExprPtr lo, ExprPtr hi, ExprPtr step)
      : Expr(Kind::Range, loc), lo(std::move(lo)), hi(std::move(hi)), step(std::move(step)) {
    countChild(this->lo.get());
    countChild(this->hi.get());
    countChild(this->step.get());
  }
  const Expr *getLo() const { return lo.get(); }
  const Expr *getHi() const { return hi.get(); }
  const Expr *getStep() const { return step.get(); } // May be null.
  static bool classof(const Expr *e) { return e->getKind() == Kind::Range; }

private:
  ExprPtr lo, hi, step;
};

class UnaryExpr : public Expr {
public:
  enum class Op { Negate, Not };
  UnaryExpr(llvm::SMLoc loc, Op op, ExprPtr operand)
      : Expr(Kind::Unary, loc), op(op), operand(std::move(operand)) {
    countChild(this->operand.get());
  }
  Op getOp() const { return op; }
  const Expr *getOperand() const { return operand.get(); }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }

private:
  Op op;
  ExprPtr operand;
};

class BinaryExpr : public Expr {
public:
  enum class Op { Add, Sub, Mul, Div, Rem, Lt, Le, Gt, Ge, Eq, Ne, And, Or };
  BinaryExpr(llvm::SMLoc loc, Op op, ExprPtr lhs, ExprPtr rhs)
      : Expr(Kind::Binary, loc), op(op), lhs(std::move(lhs)), rhs(std::move(rhs)) {
    countChild(this->lhs.get());
    countChild(this->rhs.get());
  }
  Op getOp() const { return op; }
  const Expr *getLhs() const { return lhs.get(); }
  const Expr *getRhs() const { return rhs.get(); }
  static llvm::StringRef getSpelling(Op op);
  static bool isComparison(Op op) { return op >= Op::Lt && op <= Op::Ne; }
  static bool isLogical(Op op) { return op == Op::And || op == Op::Or; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }

private:
  Op op;
  ExprPtr lhs, rhs;
};

//===----------------------------------------------------------------------===//
// Model statements
//===----------------------------------------------------------------------===//

class Stmt {
public:
  enum class Kind { Assign, Repeat, Return };
  Stmt(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  llvm::SMLoc getLoc() const { return loc; }

private:
  const Kind kind;
  llvm::SMLoc loc;
};

using StmtPtr = std::unique_ptr<Stmt>;

/// `x = expr;`
class AssignStmt : public Stmt {
public:
  AssignStmt(llvm::SMLoc loc, std::string name, ExprPtr value)
      : Stmt(Kind::Assign, loc), name(std::move(name)), value(std::move(value)) {}
  llvm::StringRef getName() const { return name; }
  const Expr *getValue() const { return value.get(); }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Assign; }

private:
  std::string name;
  ExprPtr value;
};

/// `repeat count { body }`
class RepeatStmt : public Stmt {
public:
  RepeatStmt(llvm::SMLoc loc, ExprPtr count, std::vector<StmtPtr> body)
      : Stmt(Kind::Repeat, loc), count(std::move(count)), body(std::move(body)) {}
  const Expr *getCount() const { return count.get(); }
  llvm::ArrayRef<StmtPtr> getBody() const { return body; }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Repeat; }

private:
  ExprPtr count;
  std::vector<StmtPtr> body;
};

/// `return expr;`
class ReturnStmt : public Stmt {
public:
  ReturnStmt(llvm::SMLoc loc, ExprPtr value) : Stmt(Kind::Return, loc), value(std::move(value)) {}
  const Expr *getValue() const { return value.get(); }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Return; }

private:
  ExprPtr value;
};

//===----------------------------------------------------------------------===//
// Sweep clauses
//===----------------------------------------------------------------------===//

struct Identifier {
  std::string name;
  llvm::SMLoc loc;
};

class Clause {
public:
  enum class Kind { Settings, Where, Zip, Report };
  Clause(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
  virtual ~Clause() = default;
  Kind getKind() const { return kind; }
  llvm::SMLoc getLoc() const { return loc; }

private:
  const Kind kind;
  llvm::SMLoc loc;
};

using ClausePtr = std::unique_ptr<Clause>;

/// `data fashion, batch 128, epochs 3;`
class SettingsClause : public Clause {
public:
  SettingsClause(llvm::SMLoc loc, std::vector<Setting> settings)
      : Clause(Kind::Settings, loc), settings(std::move(settings)) {}
  llvm::ArrayRef<Setting> getSettings() const { return settings; }
  static bool classof(const Clause *c) { return c->getKind() == Kind::Settings; }

private:
  std::vector<Setting> settings;
};

/// `where lr * batch <= 10;`
class WhereClause : public Clause {
public:
  WhereClause(llvm::SMLoc loc, ExprPtr condition)
      : Clause(Kind::Where, loc), condition(std::move(condition)) {}
  const Expr *getCondition() const { return condition.get(); }
  static bool classof(const Clause *c) { return c->getKind() == Kind::Where; }

private:
  ExprPtr condition;
};

/// `zip lr, momentum;`
class ZipClause : public Clause {
public:
  ZipClause(llvm::SMLoc loc, std::vector<Identifier> axes)
      : Clause(Kind::Zip, loc), axes(std::move(axes)) {}
  llvm::ArrayRef<Identifier> getAxes() const { return axes; }
  static bool classof(const Clause *c) { return c->getKind() == Kind::Zip; }

private:
  std::vector<Identifier> axes;
};

/// `report accuracy, loss;`
class ReportClause : public Clause {
public:
  ReportClause(llvm::SMLoc loc, std::vector<Identifier> metrics)
      : Clause(Kind::Report, loc), metrics(std::move(metrics)) {}
  llvm::ArrayRef<Identifier> getMetrics() const { return metrics; }
  static bool classof(const Clause *c) { return c->getKind() == Kind::Report; }

private:
  std::vector<Identifier> metrics;
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

class Decl {
public:
  enum class Kind { Dataset, Model, Sweep };
  Decl(Kind kind, Identifier name) : kind(kind), name(std::move(name)) {}
  virtual ~Decl() = default;
  Kind getKind() const { return kind; }
  llvm::StringRef getName() const { return name.name; }
  llvm::SMLoc getLoc() const { return name.loc; }

private:
  const Kind kind;
  Identifier name;
};

using DeclPtr = std::unique_ptr<Decl>;

/// `dataset fashion = fashion_mnist(validation: 5000);`
class DatasetDecl : public Decl {
public:
  DatasetDecl(Identifier name, std::unique_ptr<CallExpr> source)
      : Decl(Kind::Dataset, std::move(name)), source(std::move(source)) {}
  const CallExpr *getSource() const { return source.get(); }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Dataset; }

private:
  std::unique_ptr<CallExpr> source;
};

/// `width: int = 64`
struct ModelParam {
  Identifier name;
  Identifier type;
  ExprPtr defaultValue; // May be null.
};

/// `model mlp(width: int, act: activation = relu) { ... }`
class ModelDecl : public Decl {
public:
  ModelDecl(Identifier name, std::vector<ModelParam> params, std::vector<StmtPtr> body)
      : Decl(Kind::Model, std::move(name)), params(std::move(params)), body(std::move(body)) {}
  llvm::ArrayRef<ModelParam> getParams() const { return params; }
  llvm::ArrayRef<StmtPtr> getBody() const { return body; }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Model; }

private:
  std::vector<ModelParam> params;
  std::vector<StmtPtr> body;
};

/// `sweep name { clauses }`
class SweepDecl : public Decl {
public:
  SweepDecl(Identifier name, std::vector<ClausePtr> clauses)
      : Decl(Kind::Sweep, std::move(name)), clauses(std::move(clauses)) {}
  llvm::ArrayRef<ClausePtr> getClauses() const { return clauses; }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Sweep; }

private:
  std::vector<ClausePtr> clauses;
};

/// A parsed .sweep file.
struct Module {
  std::vector<DeclPtr> decls;
};

/// Prints the AST as an indented tree with `@file:line:col` on every node.
void dumpAST(const Module &module, const llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os);

} // namespace sweep

#endif // SWEEP_LANG_AST_H
