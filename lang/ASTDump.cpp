//===- ASTDump.cpp - printing the AST for golden tests --------------------===//

#include "lang/AST.h"

#include "lang/Value.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace sweep;

llvm::StringRef BinaryExpr::getSpelling(Op op) {
  switch (op) {
  case Op::Add: return "+";
  case Op::Sub: return "-";
  case Op::Mul: return "*";
  case Op::Div: return "/";
  case Op::Rem: return "%";
  case Op::Lt: return "<";
  case Op::Le: return "<=";
  case Op::Gt: return ">";
  case Op::Ge: return ">=";
  case Op::Eq: return "==";
  case Op::Ne: return "!=";
  case Op::And: return "&&";
  case Op::Or: return "||";
  }
  return "?";
}

namespace {
class ASTDumper {
public:
  ASTDumper(const llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os)
      : sourceMgr(sourceMgr), os(os) {}

  void dump(const Module &module) {
    os << "Module\n";
    ++indent;
    for (const DeclPtr &decl : module.decls)
      dump(*decl);
    --indent;
  }

private:
  /// Starts a node's line: indentation, then the caller prints the rest.
  llvm::raw_ostream &line() { return os.indent(2 * indent); }
  void loc(llvm::SMLoc where) {
    unsigned buffer = sourceMgr.FindBufferContainingLoc(where);
    if (!buffer) {
      os << "\n";
      return;
    }
    auto [l, c] = sourceMgr.getLineAndColumn(where, buffer);
    os << " @" << llvm::sys::path::filename(sourceMgr.getMemoryBuffer(buffer)->getBufferIdentifier())
       << ":" << l << ":" << c << "\n";
  }

  void dump(const Decl &decl) {
    if (auto *dataset = llvm::dyn_cast<DatasetDecl>(&decl)) {
      line() << "DatasetDecl " << decl.getName();
      loc(decl.getLoc());
      nested([&] { dump(dataset->getSource()); });
    } else if (auto *model = llvm::dyn_cast<ModelDecl>(&decl)) {
      line() << "ModelDecl " << decl.getName();
      loc(decl.getLoc());
      nested([&] {
        for (const ModelParam &param : model->getParams()) {
          line() << "Param " << param.name.name << ": " << param.type.name;
          loc(param.name.loc);
          if (param.defaultValue)
            nested([&] { dump(param.defaultValue.get()); });
        }
        dump(model->getBody());
      });
    } else {
      auto *sweep = llvm::cast<SweepDecl>(&decl);
      line() << "SweepDecl " << decl.getName();
      loc(decl.getLoc());
      nested([&] {
        for (const ClausePtr &clause : sweep->getClauses())
          dump(*clause);
      });
    }
  }

  void dump(llvm::ArrayRef<StmtPtr> body) {
    for (const StmtPtr &stmt : body) {
      if (auto *assign = llvm::dyn_cast<AssignStmt>(stmt.get())) {
        line() << "Assign " << assign->getName();
        loc(assign->getLoc());
        nested([&] { dump(assign->getValue()); });
      } else if (auto *repeat = llvm::dyn_cast<RepeatStmt>(stmt.get())) {
        line() << "Repeat";
        loc(repeat->getLoc());
        nested([&] {
          dump(repeat->getCount());
          dump(repeat->getBody());
        });
      } else {
        auto *ret = llvm::cast<ReturnStmt>(stmt.get());
        line() << "Return";
        loc(ret->getLoc());
        nested([&] { dump(ret->getValue()); });
      }
    }
  }

  void dump(const Clause &clause) {
    if (auto *settings = llvm::dyn_cast<SettingsClause>(&clause)) {
      line() << "Settings";
      loc(clause.getLoc());
      nested([&] {
        for (const Setting &setting : settings->getSettings())
          dump(setting, "Setting");
      });
    } else if (auto *where = llvm::dyn_cast<WhereClause>(&clause)) {
      line() << "Where";
      loc(clause.getLoc());
      nested([&] { dump(where->getCondition()); });
    } else if (auto *zip = llvm::dyn_cast<ZipClause>(&clause)) {
      line() << "Zip ";
      llvm::interleave(zip->getAxes(), os, [&](const Identifier &id) { os << id.name; }, ", ");
      loc(clause.getLoc());
    } else {
      auto *report = llvm::cast<ReportClause>(&clause);
      line() << "Report ";
      llvm::interleave(report->getMetrics(), os, [&](const Identifier &id) { os << id.name; },
                       ", ");
      loc(clause.getLoc());
    }
  }

  void dump(const Setting &setting, llvm::StringRef label) {
    line() << label;
    if (!setting.name.empty())
      os << " " << setting.name;
    if (setting.isAxis)
      os << " in";
    loc(setting.getLoc());
    nested([&] { dump(setting.value.get()); });
  }

  void dump(const Expr *expr) {
    switch (expr->getKind()) {
    case Expr::Kind::Integer:
      line() << "Integer " << llvm::cast<IntegerExpr>(expr)->getValue();
      break;
    case Expr::Kind::Float:
      line() << "Float " << formatShortest(llvm::cast<FloatExpr>(expr)->getValue());
      break;
    case Expr::Kind::String:
      line() << "String \"";
      os.write_escaped(llvm::cast<StringExpr>(expr)->getValue());
      os << "\"";
      break;
    case Expr::Kind::Bool:
      line() << "Bool " << (llvm::cast<BoolExpr>(expr)->getValue() ? "true" : "false");
      break;
    case Expr::Kind::Name:
      line() << "Name " << llvm::cast<NameExpr>(expr)->getName();
      break;
    case Expr::Kind::Call: {
      auto *call = llvm::cast<CallExpr>(expr);
      line() << "Call " << call->getCallee();
      loc(expr->getLoc());
      nested([&] {
        for (const Setting &arg : call->getArgs())
          dump(arg, "Arg");
      });
      return;
    }
    case Expr::Kind::List: {
      line() << "List";
      loc(expr->getLoc());
      nested([&] {
        for (const ExprPtr &element : llvm::cast<ListExpr>(expr)->getElements())
          dump(element.get());
      });
      return;
    }
    case Expr::Kind::Range: {
      auto *range = llvm::cast<RangeExpr>(expr);
      line() << "Range";
      loc(expr->getLoc());
      nested([&] {
        dump(range->getLo());
        dump(range->getHi());
        if (range->getStep())
          dump(range->getStep());
      });
      return;
    }
    case Expr::Kind::Unary: {
      auto *unary = llvm::cast<UnaryExpr>(expr);
      line() << "Unary " << (unary->getOp() == UnaryExpr::Op::Not ? "!" : "-");
      loc(expr->getLoc());
      nested([&] { dump(unary->getOperand()); });
      return;
    }
    case Expr::Kind::Binary: {
      auto *binary = llvm::cast<BinaryExpr>(expr);
      line() << "Binary " << BinaryExpr::getSpelling(binary->getOp());
      loc(expr->getLoc());
      nested([&] {
        dump(binary->getLhs());
        dump(binary->getRhs());
      });
      return;
    }
    }
    loc(expr->getLoc());
  }

  template <typename Fn> void nested(Fn fn) {
    ++indent;
    fn();
    --indent;
  }

  const llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
  unsigned indent = 0;
};
} // namespace

void sweep::dumpAST(const Module &module, const llvm::SourceMgr &sourceMgr,
                    llvm::raw_ostream &os) {
  ASTDumper(sourceMgr, os).dump(module);
}
