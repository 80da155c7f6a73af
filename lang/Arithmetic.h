//===- Arithmetic.h - the language's arithmetic, in one place ---*- C++ -*-===//
//
// Sweep constants, `where` conditions and model bodies compute with the same
// rules: integers stay integers (`/` and `%` truncate), overflow and division
// by zero are errors, anything with a number is floating point.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_ARITHMETIC_H
#define SWEEP_LANG_ARITHMETIC_H

#include "lang/AST.h"
#include "lang/Value.h"

#include <optional>

namespace sweep {

enum class ArithmeticError { None, DivisionByZero, Overflow };

/// `a op b` on integers for + - * / %; sets `result` or returns the error.
ArithmeticError applyIntegerOp(BinaryExpr::Op op, int64_t a, int64_t b, int64_t &result);

/// `a op b` on doubles for + - * / % (IEEE: no errors, may give inf or nan).
double applyFloatOp(BinaryExpr::Op op, double a, double b);

/// The value of a literal expression, or nullopt for any other expression.
/// Strings point into the AST.
std::optional<Value> getLiteralValue(const Expr *expr);

/// "division by zero" or "integer overflow".
llvm::StringRef describe(ArithmeticError error);

} // namespace sweep

#endif // SWEEP_LANG_ARITHMETIC_H
