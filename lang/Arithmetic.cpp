//===- Arithmetic.cpp - the language's arithmetic, in one place -----------===//

#include "lang/Arithmetic.h"

#include <cmath>
#include <cstdint>

using namespace sweep;

ArithmeticError sweep::applyIntegerOp(BinaryExpr::Op op, int64_t a, int64_t b,
                                      int64_t &result) {
  switch (op) {
  case BinaryExpr::Op::Add:
    return __builtin_add_overflow(a, b, &result) ? ArithmeticError::Overflow
                                                 : ArithmeticError::None;
  case BinaryExpr::Op::Sub:
    return __builtin_sub_overflow(a, b, &result) ? ArithmeticError::Overflow
                                                 : ArithmeticError::None;
  case BinaryExpr::Op::Mul:
    return __builtin_mul_overflow(a, b, &result) ? ArithmeticError::Overflow
                                                 : ArithmeticError::None;
  case BinaryExpr::Op::Div:
  case BinaryExpr::Op::Rem:
    if (b == 0)
      return ArithmeticError::DivisionByZero;
    // INT64_MIN / -1 overflows; its remainder is 0 (C++'s % traps there too).
    // Regression: the remainder was reported as an overflow.
    if (a == INT64_MIN && b == -1) {
      if (op == BinaryExpr::Op::Div)
        return ArithmeticError::Overflow;
      result = 0;
      return ArithmeticError::None;
    }
    result = op == BinaryExpr::Op::Div ? a / b : a % b;
    return ArithmeticError::None;
  default:
    return ArithmeticError::Overflow; // Not arithmetic; callers never ask.
  }
}

double sweep::applyFloatOp(BinaryExpr::Op op, double a, double b) {
  switch (op) {
  case BinaryExpr::Op::Add: return a + b;
  case BinaryExpr::Op::Sub: return a - b;
  case BinaryExpr::Op::Mul: return a * b;
  case BinaryExpr::Op::Div: return a / b;
  case BinaryExpr::Op::Rem: return std::fmod(a, b);
  default: return NAN;
  }
}

std::optional<Value> sweep::getLiteralValue(const Expr *expr) {
  switch (expr->getKind()) {
  case Expr::Kind::Integer: return Value::integer(llvm::cast<IntegerExpr>(expr)->getValue());
  case Expr::Kind::Float: return Value::number(llvm::cast<FloatExpr>(expr)->getValue());
  case Expr::Kind::Bool: return Value::flag(llvm::cast<BoolExpr>(expr)->getValue());
  case Expr::Kind::String: return Value::string(llvm::cast<StringExpr>(expr)->getValue());
  default: return std::nullopt;
  }
}

llvm::StringRef sweep::describe(ArithmeticError error) {
  return error == ArithmeticError::DivisionByZero ? "division by zero" : "integer overflow";
}
