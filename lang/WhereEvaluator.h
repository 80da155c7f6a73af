//===- WhereEvaluator.h - evaluating `where` for one run --------*- C++ -*-===//
//
// Sema has typed the condition and bound its names to paths. A condition that
// reads a setting the run does not have (`beta2` in an sgd run) does not apply
// to that run, unless `&&`/`||` decide without it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_WHEREEVALUATOR_H
#define SWEEP_LANG_WHEREEVALUATOR_H

#include "lang/SweepSpec.h"

#include <optional>

namespace sweep {

class WhereEvaluator {
public:
  enum class Result { True, False, NotApplicable };

  WhereEvaluator(const SweepSpec &spec, const Constraint &constraint)
      : spec(spec), constraint(constraint) {}

  /// `values` holds every path's value for the run, as resolveRun fills it.
  Result evaluate(llvm::ArrayRef<Value> values) const;

private:
  /// nullopt: the expression reads a setting the run does not have.
  std::optional<Value> evaluate(const Expr *expr, llvm::ArrayRef<Value> values) const;

  const SweepSpec &spec;
  const Constraint &constraint;
};

} // namespace sweep

#endif // SWEEP_LANG_WHEREEVALUATOR_H
