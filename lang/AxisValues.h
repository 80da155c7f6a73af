//===- AxisValues.h - the values an axis expression denotes -----*- C++ -*-===//
//
// Evaluates constant expressions and the axis forms after `in`: lists, integer
// ranges, linspace/logspace, and seeded random samples (uniform, loguniform,
// randint, choice) drawn from Philox4x32-10 so that every machine gets the
// same sweep.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_AXISVALUES_H
#define SWEEP_LANG_AXISVALUES_H

#include "lang/AST.h"
#include "lang/Diagnostics.h"
#include "lang/Value.h"

#include "llvm/Support/StringSaver.h"

#include <optional>
#include <vector>

namespace sweep {

/// One element of an axis with the location it came from, for diagnostics.
struct AxisElement {
  Value value; // None for a call, which only configuration settings accept.
  llvm::SMLoc loc;
};

class AxisEvaluator {
public:
  AxisEvaluator(SourceDiagnostics &diags, llvm::UniqueStringSaver &strings)
      : diags(diags), strings(strings) {}

  /// A constant: a literal, a name (as a symbol), or arithmetic on constants.
  std::optional<Value> evaluateConstant(const Expr *expr);

  /// The values after `in`. `integral` asks generators to round to integers.
  /// `stream` distinguishes the random streams of different axes with one seed.
  std::optional<std::vector<AxisElement>> evaluateAxis(const Expr *expr, bool integral,
                                                       uint64_t stream);

private:
  /// An element of an axis list or of choice()'s list: a constant, not a
  /// list or a range.
  std::optional<Value> evaluateElement(const Expr *element);
  std::optional<std::vector<AxisElement>> evaluateGenerator(const CallExpr *call, bool integral,
                                                            uint64_t stream);
  std::optional<std::vector<AxisElement>> evaluateRange(const RangeExpr *range);

  SourceDiagnostics &diags;
  llvm::UniqueStringSaver &strings;
};

} // namespace sweep

#endif // SWEEP_LANG_AXISVALUES_H
