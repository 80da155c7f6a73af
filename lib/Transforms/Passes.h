//===- Passes.h - passes over the train dialect and its linalg --*- C++ -*-===//

#ifndef SWEEP_LIB_TRANSFORMS_PASSES_H
#define SWEEP_LIB_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace sweep {

/// Unit attribute train-autodiff sets on every op it creates (the gradient
/// code); energy-insert-probes groups those ops into the backward phase.
inline constexpr llvm::StringLiteral kGradientAttr = "train.gradient";

#define GEN_PASS_DECL
#include "lib/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Transforms/Passes.h.inc"

} // namespace sweep

#endif // SWEEP_LIB_TRANSFORMS_PASSES_H
