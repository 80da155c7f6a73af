//===- Passes.h - conversions out of the train dialect ----------*- C++ -*-===//

#ifndef SWEEP_LIB_CONVERSION_PASSES_H
#define SWEEP_LIB_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace sweep {

/// Discardable attributes by which convert-train-to-linalg marks the
/// elementwise generics that belong to a dense product, so that
/// convert-linalg-to-kernel-calls can have the product's kernel do their work
/// in its tile loop (each output element written once):
/// - kBiasInitAttr (unit): the broadcast of the bias into the product's output;
/// - kEpilogueAttr ("relu", "tanh", "sigmoid", "identity"): the activation of
///   the product's result, its only use;
/// - kEpilogueGradAttr ("relu", "tanh", "sigmoid"): an input gradient times
///   the slope of the activation whose output is the layer's input;
/// - kUpdateAttr ("sgd", "adam", "adamw"): an optimizer's step, operands
///   (param, grad, state..., hypers...) -> (new param, new state...), the
///   arithmetic of runtime/kernels/OptimizerStep.cpp.
inline constexpr llvm::StringLiteral kBiasInitAttr = "sweep.bias_init";
inline constexpr llvm::StringLiteral kEpilogueAttr = "sweep.epilogue";
inline constexpr llvm::StringLiteral kEpilogueGradAttr = "sweep.epilogue_grad";
inline constexpr llvm::StringLiteral kUpdateAttr = "sweep.update";

/// The runtime function an energy probe calls (runtime/energy/Probes.h), and
/// the module attribute listing each probe's function, phase and static cost
/// by probe index (convert-energy-to-probe-calls).
inline constexpr llvm::StringLiteral kEnergyProbeFunction = "sweep_energy_probe";
inline constexpr llvm::StringLiteral kEnergyPhasesAttr = "energy.phases";

#define GEN_PASS_DECL
#include "lib/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Conversion/Passes.h.inc"

} // namespace sweep

#endif // SWEEP_LIB_CONVERSION_PASSES_H
