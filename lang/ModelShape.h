//===- ModelShape.h - a model's layers for given arguments ------*- C++ -*-===//
//
// Runs a model body with concrete arguments (one run group's structural
// values, one run's numbers) to get its layers and shapes, checking what only
// concrete values can show: widths >= 1, repeat counts >= 0, dropout in [0, 1).
//
// The model is what its return value is computed from: every layer takes one
// tensor, so following the returned tensor back to the input gives a chain,
// whatever order the statements made the layers in (`h2 = h; h = relu(h);
// return dense(h2, 2)` has no relu). Layers whose output does not reach the
// return value are left out, and reported in `unusedLayers`.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_MODELSHAPE_H
#define SWEEP_LANG_MODELSHAPE_H

#include "lang/AST.h"
#include "lang/Diagnostics.h"
#include "lang/Value.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace sweep {

struct Layer {
  enum class Kind { Dense, Activation, Dropout };
  Kind kind = Kind::Dense;
  int64_t inputs = 0, outputs = 0;
  llvm::StringRef activation; // For Activation.
  double probability = 0;     // For Dropout.
};

struct ModelShape {
  int64_t inputs = 0;
  int64_t outputs = 0;
  std::vector<Layer> layers; // From the input to the returned tensor.
  /// Layer calls whose output the returned tensor does not depend on, once
  /// per evaluation (a call inside `repeat` evaluates once per iteration),
  /// with how many evaluations of that call there were in all.
  struct UnusedLayer {
    llvm::SMLoc loc;
    int64_t unused = 0, evaluations = 0;
  };
  std::vector<UnusedLayer> unusedLayers;

  /// Weights and biases of all dense layers.
  int64_t getParameterCount() const;
  /// Multiply-adds of one sample's forward pass.
  int64_t getMultiplyAdds() const;
  /// Values one sample produces across all layers (what backward keeps).
  int64_t getActivationCount() const;
  /// "784 -> dense 64 -> relu -> dense 10".
  std::string describe() const;
};

/// Interprets `model` with `argument(name)` giving each parameter's value.
/// On error reports it, calls `addContext` to attach notes, and returns false.
/// `sweepSteps` (when given) is what is left of the statements all of a
/// sweep's groups may run (kMaxSweepModelSteps), counted down.
bool inferModelShape(const ModelDecl &model, llvm::function_ref<Value(llvm::StringRef)> argument,
                     SourceDiagnostics &diags,
                     llvm::function_ref<void(mlir::InFlightDiagnostic &)> addContext,
                     ModelShape &shape, int64_t *sweepSteps = nullptr);

} // namespace sweep

#endif // SWEEP_LANG_MODELSHAPE_H
