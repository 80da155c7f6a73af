//===- WhereEvaluator.cpp - evaluating `where` for one run ----------------===//

#include "lang/WhereEvaluator.h"

#include "lang/Arithmetic.h"

#include <cmath>
#include <limits>

using namespace sweep;

WhereEvaluator::Result WhereEvaluator::evaluate(llvm::ArrayRef<Value> values) const {
  std::optional<Value> result = evaluate(constraint.condition, values);
  if (!result)
    return Result::NotApplicable;
  return result->i ? Result::True : Result::False;
}

std::optional<Value> WhereEvaluator::evaluate(const Expr *expr,
                                              llvm::ArrayRef<Value> values) const {
  if (std::optional<Value> literal = getLiteralValue(expr))
    return literal;
  switch (expr->getKind()) {
  case Expr::Kind::Name: {
    auto *name = llvm::cast<NameExpr>(expr);
    auto it = constraint.boundPaths.find(name);
    if (it == constraint.boundPaths.end())
      return Value::symbol(name->getName());
    const Value &value = values[it->second];
    if (value.isNone())
      return std::nullopt;
    return value;
  }
  case Expr::Kind::Unary: {
    auto *unary = llvm::cast<UnaryExpr>(expr);
    std::optional<Value> operand = evaluate(unary->getOperand(), values);
    if (!operand)
      return std::nullopt;
    if (unary->getOp() == UnaryExpr::Op::Not)
      return Value::flag(!operand->i);
    if (operand->kind != Value::Kind::Int)
      return Value::number(-operand->f);
    // -INT64_MIN overflows: the floating-point result, as for + - * /.
    if (operand->i == std::numeric_limits<int64_t>::min())
      return Value::number(-double(operand->i));
    return Value::integer(-operand->i);
  }
  case Expr::Kind::Binary: {
    auto *binary = llvm::cast<BinaryExpr>(expr);
    BinaryExpr::Op op = binary->getOp();
    std::optional<Value> lhs = evaluate(binary->getLhs(), values);
    if (op == BinaryExpr::Op::And || op == BinaryExpr::Op::Or) {
      bool shortCircuit = op == BinaryExpr::Op::Or;
      if (lhs && bool(lhs->i) == shortCircuit)
        return Value::flag(shortCircuit);
      std::optional<Value> rhs = evaluate(binary->getRhs(), values);
      if (rhs && bool(rhs->i) == shortCircuit)
        return Value::flag(shortCircuit);
      if (!lhs || !rhs)
        return std::nullopt;
      return Value::flag(!shortCircuit);
    }
    std::optional<Value> rhs = evaluate(binary->getRhs(), values);
    if (!lhs || !rhs)
      return std::nullopt;
    if (op == BinaryExpr::Op::Eq || op == BinaryExpr::Op::Ne) {
      // A symbol may be compared with a string of its name: `meter == "model"`
      // reaches the symbol `model` that the setting `model` hides.
      bool equal = *lhs == *rhs;
      if (lhs->s.data() && rhs->s.data() && lhs->kind != rhs->kind)
        equal = lhs->s == rhs->s;
      return Value::flag(op == BinaryExpr::Op::Eq ? equal : !equal);
    }
    // Integers stay integers as elsewhere in the language; on overflow or
    // division by zero the floating-point result (inf, nan) is the better answer.
    int64_t exact = 0;
    bool integers = lhs->kind == Value::Kind::Int && rhs->kind == Value::Kind::Int;
    if (!BinaryExpr::isComparison(op) && integers &&
        applyIntegerOp(op, lhs->i, rhs->i, exact) == ArithmeticError::None)
      return Value::integer(exact);
    // Comparisons with inf or nan are false, as IEEE says.
    double a = lhs->asDouble(), b = rhs->asDouble();
    switch (op) {
    case BinaryExpr::Op::Lt: return Value::flag(a < b);
    case BinaryExpr::Op::Le: return Value::flag(a <= b);
    case BinaryExpr::Op::Gt: return Value::flag(a > b);
    case BinaryExpr::Op::Ge: return Value::flag(a >= b);
    default: return Value::number(applyFloatOp(op, a, b));
    }
  }
  default:
    return std::nullopt;
  }
}
