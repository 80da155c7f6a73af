//===- WhereEvaluator.cpp - evaluating `where` for one run ----------------===//

#include "lang/WhereEvaluator.h"

#include <cmath>

using namespace sweep;

/// Integer arithmetic on two integers, as in the rest of the language (`/`
/// truncates); nullopt for other operands, and on overflow, where the caller's
/// floating-point result is the better answer.
static std::optional<Value> evaluateIntegers(BinaryExpr::Op op, const Value &lhs,
                                             const Value &rhs) {
  if (lhs.kind != Value::Kind::Int || rhs.kind != Value::Kind::Int)
    return std::nullopt;
  int64_t result = 0;
  bool overflow = false;
  switch (op) {
  case BinaryExpr::Op::Add: overflow = __builtin_add_overflow(lhs.i, rhs.i, &result); break;
  case BinaryExpr::Op::Sub: overflow = __builtin_sub_overflow(lhs.i, rhs.i, &result); break;
  case BinaryExpr::Op::Mul: overflow = __builtin_mul_overflow(lhs.i, rhs.i, &result); break;
  case BinaryExpr::Op::Div:
  case BinaryExpr::Op::Rem:
    if (rhs.i == 0 || (lhs.i == INT64_MIN && rhs.i == -1))
      return std::nullopt;
    result = op == BinaryExpr::Op::Div ? lhs.i / rhs.i : lhs.i % rhs.i;
    break;
  default:
    return std::nullopt; // Comparisons.
  }
  if (overflow)
    return std::nullopt;
  return Value::integer(result);
}

WhereEvaluator::Result WhereEvaluator::evaluate(llvm::ArrayRef<Value> values) const {
  std::optional<Value> result = evaluate(constraint.condition, values);
  if (!result)
    return Result::NotApplicable;
  return result->i ? Result::True : Result::False;
}

std::optional<Value> WhereEvaluator::evaluate(const Expr *expr,
                                              llvm::ArrayRef<Value> values) const {
  switch (expr->getKind()) {
  case Expr::Kind::Integer:
    return Value::integer(llvm::cast<IntegerExpr>(expr)->getValue());
  case Expr::Kind::Float:
    return Value::number(llvm::cast<FloatExpr>(expr)->getValue());
  case Expr::Kind::Bool:
    return Value::flag(llvm::cast<BoolExpr>(expr)->getValue());
  case Expr::Kind::String:
    return Value::string(llvm::cast<StringExpr>(expr)->getValue());
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
    return operand->kind == Value::Kind::Int ? Value::integer(-operand->i)
                                             : Value::number(-operand->f);
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
    if (std::optional<Value> exact = evaluateIntegers(op, *lhs, *rhs))
      return exact;
    double a = lhs->asDouble(), b = rhs->asDouble();
    switch (op) {
    case BinaryExpr::Op::Lt: return Value::flag(a < b);
    case BinaryExpr::Op::Le: return Value::flag(a <= b);
    case BinaryExpr::Op::Gt: return Value::flag(a > b);
    case BinaryExpr::Op::Ge: return Value::flag(a >= b);
    case BinaryExpr::Op::Add: return Value::number(a + b);
    case BinaryExpr::Op::Sub: return Value::number(a - b);
    case BinaryExpr::Op::Mul: return Value::number(a * b);
    // Division by zero gives inf or nan, and comparisons with them are false.
    case BinaryExpr::Op::Div: return Value::number(a / b);
    case BinaryExpr::Op::Rem: return Value::number(std::fmod(a, b));
    default: return std::nullopt;
    }
  }
  default:
    return std::nullopt;
  }
}
