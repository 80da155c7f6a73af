//===- AxisValues.cpp - the values an axis expression denotes -------------===//

#include "lang/AxisValues.h"

#include "lang/Arithmetic.h"
#include "lang/Builtins.h"
#include "runtime/rng/Philox.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace sweep;

std::optional<Value> AxisEvaluator::evaluateConstant(const Expr *expr) {
  if (std::optional<Value> literal = getLiteralValue(expr)) {
    if (literal->kind == Value::Kind::String)
      literal->s = strings.save(literal->s); // The spec outlives nothing of the AST's.
    return literal;
  }
  switch (expr->getKind()) {
  case Expr::Kind::Name: {
    auto *name = llvm::cast<NameExpr>(expr);
    if (name->isQualified()) {
      diags.error(expr->getLoc(), "expected a value, found qualified name '" +
                                      name->getName() + "'");
      return std::nullopt;
    }
    return Value::symbol(strings.save(name->getName()));
  }
  case Expr::Kind::Unary: {
    auto *unary = llvm::cast<UnaryExpr>(expr);
    std::optional<Value> operand = evaluateConstant(unary->getOperand());
    if (!operand)
      return std::nullopt;
    if (unary->getOp() == UnaryExpr::Op::Not) {
      if (operand->kind != Value::Kind::Bool) {
        diags.error(expr->getLoc(), "'!' needs true or false");
        return std::nullopt;
      }
      return Value::flag(!operand->i);
    }
    if (!operand->isNumeric()) {
      diags.error(expr->getLoc(), "'-' needs a number");
      return std::nullopt;
    }
    if (operand->kind == Value::Kind::Int) {
      if (operand->i == INT64_MIN) {
        diags.error(expr->getLoc(), "integer overflow");
        return std::nullopt;
      }
      return Value::integer(-operand->i);
    }
    return Value::number(-operand->f);
  }
  case Expr::Kind::Binary: {
    auto *binary = llvm::cast<BinaryExpr>(expr);
    if (BinaryExpr::isComparison(binary->getOp()) || BinaryExpr::isLogical(binary->getOp())) {
      diags.error(expr->getLoc(), "expected a value, found a condition; conditions belong "
                                  "in a 'where' clause");
      return std::nullopt;
    }
    std::optional<Value> lhs = evaluateConstant(binary->getLhs());
    if (!lhs)
      return std::nullopt;
    std::optional<Value> rhs = evaluateConstant(binary->getRhs());
    if (!rhs)
      return std::nullopt;
    if (!lhs->isNumeric() || !rhs->isNumeric()) {
      diags.error(expr->getLoc(), "arithmetic needs numbers on both sides of '" +
                                      BinaryExpr::getSpelling(binary->getOp()) + "'");
      return std::nullopt;
    }
    BinaryExpr::Op op = binary->getOp();
    if ((op == BinaryExpr::Op::Div || op == BinaryExpr::Op::Rem) && rhs->asDouble() == 0) {
      diags.error(expr->getLoc(), "division by zero");
      return std::nullopt;
    }
    if (lhs->kind == Value::Kind::Int && rhs->kind == Value::Kind::Int) {
      int64_t result = 0;
      ArithmeticError error = applyIntegerOp(op, lhs->i, rhs->i, result);
      if (error != ArithmeticError::None) {
        diags.error(expr->getLoc(), describe(error));
        return std::nullopt;
      }
      return Value::integer(result);
    }
    double result = applyFloatOp(op, lhs->asDouble(), rhs->asDouble());
    if (!std::isfinite(result)) {
      diags.error(expr->getLoc(), "arithmetic result is not a finite number");
      return std::nullopt;
    }
    return Value::number(result);
  }
  case Expr::Kind::Call:
    diags.error(expr->getLoc(), "expected a value, found a call to '" +
                                    llvm::cast<CallExpr>(expr)->getCallee() + "'");
    return std::nullopt;
  case Expr::Kind::List:
    diags.error(expr->getLoc(), "a list of values needs 'in': write 'name in [...]'");
    return std::nullopt;
  case Expr::Kind::Range:
    diags.error(expr->getLoc(), "a range needs 'in': write 'name in lo..hi'");
    return std::nullopt;
  case Expr::Kind::Integer:
  case Expr::Kind::Float:
  case Expr::Kind::Bool:
  case Expr::Kind::String:
    break; // Literals, handled above.
  }
  return std::nullopt;
}

std::optional<Value> AxisEvaluator::evaluateElement(const Expr *element) {
  // The advice evaluateConstant gives for a list or a range ("needs 'in'")
  // is wrong inside a list, which already follows an 'in'.
  if (llvm::isa<ListExpr>(element)) {
    diags.error(element->getLoc(), "a list cannot hold a list: an axis's values are single "
                                   "values");
    return std::nullopt;
  }
  if (llvm::isa<RangeExpr>(element)) {
    diags.error(element->getLoc(), "a list cannot hold a range: write its values, or make the "
                                   "range the whole axis ('name in lo..hi')");
    return std::nullopt;
  }
  return evaluateConstant(element);
}

std::optional<std::vector<AxisElement>>
AxisEvaluator::evaluateAxis(const Expr *expr, bool integral, uint64_t stream) {
  if (auto *list = llvm::dyn_cast<ListExpr>(expr)) {
    if (list->getElements().empty()) {
      diags.error(expr->getLoc(), "an axis needs at least one value");
      return std::nullopt;
    }
    if (int64_t(list->getElements().size()) > kMaxAxisValues) {
      diags.error(expr->getLoc(), "list has " + std::to_string(list->getElements().size()) +
                                      " values; an axis may have at most " +
                                      std::to_string(kMaxAxisValues));
      return std::nullopt;
    }
    std::vector<AxisElement> elements;
    bool ok = true;
    for (const ExprPtr &element : list->getElements()) {
      if (llvm::isa<CallExpr>(element.get())) {
        // Not a value; the caller reports it against the setting's type.
        elements.push_back({Value::none(), element->getLoc()});
        continue;
      }
      std::optional<Value> value = evaluateElement(element.get());
      if (!value) {
        ok = false;
        continue;
      }
      elements.push_back({*value, element->getLoc()});
    }
    if (!ok)
      return std::nullopt;
    return elements;
  }
  if (auto *range = llvm::dyn_cast<RangeExpr>(expr))
    return evaluateRange(range);
  if (auto *call = llvm::dyn_cast<CallExpr>(expr)) {
    if (llvm::is_contained(getAxisGeneratorNames(), call->getCallee()))
      return evaluateGenerator(call, integral, stream);
    // Some other call: not a value; the caller reports it against the setting's type.
    return std::vector<AxisElement>{{Value::none(), expr->getLoc()}};
  }
  diags.error(expr->getLoc(),
              "expected a list, a range or a generator such as logspace(...) after 'in'");
  return std::nullopt;
}

std::optional<std::vector<AxisElement>> AxisEvaluator::evaluateRange(const RangeExpr *range) {
  std::optional<Value> lo = evaluateConstant(range->getLo());
  std::optional<Value> hi = evaluateConstant(range->getHi());
  std::optional<Value> step = Value::integer(1);
  if (range->getStep())
    step = evaluateConstant(range->getStep());
  if (!lo || !hi || !step)
    return std::nullopt;
  if (lo->kind != Value::Kind::Int || hi->kind != Value::Kind::Int ||
      step->kind != Value::Kind::Int) {
    diags.error(range->getLoc(), "range bounds and step must be integers; use linspace(...) "
                                 "for numbers");
    return std::nullopt;
  }
  if (step->i <= 0) {
    diags.error(range->getStep()->getLoc(), "range step must be >= 1, got " +
                                                std::to_string(step->i));
    return std::nullopt;
  }
  if (hi->i < lo->i) {
    diags.error(range->getLoc(), "range " + std::to_string(lo->i) + ".." +
                                     std::to_string(hi->i) + " is empty");
    return std::nullopt;
  }
  // Compute the count in unsigned arithmetic: hi - lo may exceed INT64_MAX,
  // and the count 2^64 (all of int64). Regression: it wrapped to 0 and the
  // sweep was said to have "no runs left".
  uint64_t span = uint64_t(hi->i) - uint64_t(lo->i);
  uint64_t steps = span / uint64_t(step->i);
  if (steps >= uint64_t(kMaxAxisValues)) {
    std::string count =
        steps == UINT64_MAX ? "18446744073709551616" : std::to_string(steps + 1);
    diags.error(range->getLoc(), "range has " + count + " values; an axis may have at most " +
                                     std::to_string(kMaxAxisValues));
    return std::nullopt;
  }
  uint64_t count = steps + 1;
  std::vector<AxisElement> elements;
  elements.reserve(count);
  for (uint64_t k = 0; k < count; ++k)
    elements.push_back({Value::integer(int64_t(uint64_t(lo->i) + k * uint64_t(step->i))),
                        range->getLoc()});
  return elements;
}

/// `v` rounded to `digits` significant decimal digits.
static double roundToSignificant(double v, int digits) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, v);
  return std::strtod(buffer, nullptr);
}

std::optional<std::vector<AxisElement>>
AxisEvaluator::evaluateGenerator(const CallExpr *call, bool integral, uint64_t stream) {
  // `name` is what the user wrote, for messages; `kind` decides the behaviour
  // (`int` is an alias of `randint`).
  llvm::StringRef name = call->getCallee();
  llvm::StringRef kind = name == "int" ? llvm::StringRef("randint") : name;
  bool isRandom = kind != "linspace" && kind != "logspace";
  bool isChoice = kind == "choice";
  // Parameter names in positional order.
  std::vector<llvm::StringRef> params;
  if (isChoice)
    params = {"values", "count", "seed"};
  else if (isRandom)
    params = {"lo", "hi", "count", "seed"};
  else
    params = {"lo", "hi", "count"};

  std::vector<const Expr *> bound(params.size(), nullptr);
  size_t positional = 0;
  bool ok = true;
  for (const Setting &arg : call->getArgs()) {
    size_t slot;
    if (arg.name.empty()) {
      slot = positional++;
      if (slot >= params.size()) {
        diags.error(arg.value->getLoc(), name + "() takes at most " +
                                             std::to_string(params.size()) + " arguments");
        return std::nullopt;
      }
    } else {
      auto it = llvm::find(params, arg.name);
      if (it == params.end()) {
        auto diag = diags.error(arg.nameLoc, name + "() has no parameter '" + arg.name + "'");
        SourceDiagnostics::suggest(diag, arg.name, params);
        ok = false;
        continue;
      }
      slot = it - params.begin();
    }
    if (arg.isAxis) {
      diags.error(arg.getLoc(), "generator arguments cannot be axes");
      ok = false;
      continue;
    }
    if (bound[slot]) {
      diags.error(arg.getLoc(), "argument '" + params[slot] + "' of " + name +
                                    "() is given twice");
      ok = false;
      continue;
    }
    bound[slot] = arg.value.get();
  }
  if (!ok)
    return std::nullopt;
  // Everything but a random axis's seed (last) is required.
  size_t required = isRandom ? params.size() - 1 : params.size();
  for (size_t i = 0; i < required; ++i) {
    if (!bound[i]) {
      diags.error(call->getLoc(), name + "() needs '" + params[i] + "'");
      return std::nullopt;
    }
  }

  // The count and seed.
  std::optional<Value> count = evaluateConstant(bound[isChoice ? 1 : 2]);
  if (!count)
    return std::nullopt;
  if (count->kind != Value::Kind::Int || count->i < 1 || count->i > kMaxAxisValues) {
    diags.error(bound[isChoice ? 1 : 2]->getLoc(),
                "count must be an integer in [1, " + std::to_string(kMaxAxisValues) + "]");
    return std::nullopt;
  }
  uint64_t seed = 0;
  if (isRandom && bound.back()) {
    std::optional<Value> seedValue = evaluateConstant(bound.back());
    if (!seedValue)
      return std::nullopt;
    if (seedValue->kind != Value::Kind::Int || seedValue->i < 0) {
      diags.error(bound.back()->getLoc(), "seed must be a non-negative integer");
      return std::nullopt;
    }
    seed = uint64_t(seedValue->i);
  }
  PhiloxStream rng(seed, stream);
  std::vector<AxisElement> elements;
  elements.reserve(count->i);

  if (isChoice) {
    auto *list = llvm::dyn_cast<ListExpr>(bound[0]);
    if (!list || list->getElements().empty()) {
      diags.error(bound[0]->getLoc(), "choice() needs a non-empty list of values");
      return std::nullopt;
    }
    std::vector<AxisElement> options;
    for (const ExprPtr &element : list->getElements()) {
      std::optional<Value> value = evaluateElement(element.get());
      if (!value)
        return std::nullopt;
      options.push_back({*value, element->getLoc()});
    }
    for (int64_t k = 0; k < count->i; ++k) {
      size_t pick = std::min(options.size() - 1, size_t(rng.uniform(k) * options.size()));
      elements.push_back(options[pick]);
    }
    return elements;
  }

  std::optional<Value> lo = evaluateConstant(bound[0]);
  std::optional<Value> hi = evaluateConstant(bound[1]);
  if (!lo || !hi)
    return std::nullopt;
  if (!lo->isNumeric() || !hi->isNumeric()) {
    diags.error(call->getLoc(), name + "() bounds must be numbers");
    return std::nullopt;
  }
  double a = lo->asDouble(), b = hi->asDouble();
  bool logarithmic = kind == "logspace" || kind == "loguniform";
  if (logarithmic && (a <= 0 || b <= 0)) {
    diags.error(a <= 0 ? bound[0]->getLoc() : bound[1]->getLoc(),
                name + "() bounds must be > 0");
    return std::nullopt;
  }
  if (isRandom && !(a < b) && !(kind == "randint" && a == b)) {
    // randint's range includes both ends, so lo == hi is one value.
    diags.error(bound[1]->getLoc(), name + (kind == "randint"
                                                ? "() needs lo <= hi (both ends included)"
                                                : "() needs lo < hi"));
    return std::nullopt;
  }
  if (kind == "randint") {
    if (lo->kind != Value::Kind::Int || hi->kind != Value::Kind::Int) {
      diags.error(call->getLoc(), name + "() bounds must be integers");
      return std::nullopt;
    }
    // Unsigned arithmetic: hi - lo + 1 may exceed INT64_MAX (or wrap to 0 for
    // the full range, which then means 2^64).
    uint64_t span = uint64_t(hi->i) - uint64_t(lo->i);
    double width = double(span) + 1.0;
    for (int64_t k = 0; k < count->i; ++k) {
      double scaled = std::floor(rng.uniform(k) * width);
      uint64_t offset = scaled >= double(span) ? span : uint64_t(scaled);
      elements.push_back(
          {Value::integer(int64_t(uint64_t(lo->i) + offset)), call->getLoc()});
    }
    return elements;
  }

  int64_t n = count->i;
  for (int64_t k = 0; k < n; ++k) {
    double t;
    if (isRandom)
      t = rng.uniform(k);
    else
      t = n == 1 ? 0.0 : double(k) / double(n - 1);
    // Base-10 logarithms keep decades exact: logspace(1e-3, 0.1, 3) has 0.01.
    double v = logarithmic ? std::pow(10.0, std::log10(a) + t * (std::log10(b) - std::log10(a)))
                           : a + t * (b - a);
    // Land exactly on the written endpoints, and drop the last bits of rounding
    // noise of evenly spaced values (0.6000000000000001 is 0.6 to anyone).
    if (!isRandom) {
      v = roundToSignificant(v, 15);
      if (k == 0)
        v = a;
      if (k == n - 1 && n > 1)
        v = b;
    }
    if (integral) {
      double rounded = std::nearbyint(v);
      if (std::fabs(rounded) > 9e15) {
        diags.error(call->getLoc(), name + "() value is too large for an integer");
        return std::nullopt;
      }
      elements.push_back({Value::integer(int64_t(rounded)), call->getLoc()});
    } else {
      elements.push_back({Value::number(v), call->getLoc()});
    }
  }
  return elements;
}
