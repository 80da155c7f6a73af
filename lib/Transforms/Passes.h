//===- Passes.h - passes over the train dialect -----------------*- C++ -*-===//

#ifndef SWEEP_LIB_TRANSFORMS_PASSES_H
#define SWEEP_LIB_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace sweep {

#define GEN_PASS_DECL
#include "lib/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Transforms/Passes.h.inc"

} // namespace sweep

#endif // SWEEP_LIB_TRANSFORMS_PASSES_H
