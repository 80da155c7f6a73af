//===- Passes.td - passes over the train dialect -----------*- tablegen -*-===//

#ifndef SWEEP_TRANSFORMS_PASSES
#define SWEEP_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def TrainAutodiff : Pass<"train-autodiff", "mlir::ModuleOp"> {
  let summary = "Replace train.backward with reverse-mode gradients";
  let description = [{
    For every `train.backward %loss wrt %v...`, walks back from `%loss` through
    the ops that produced it and emits, right before the backward op, the
    vector-Jacobian product of each: one rule per op (dense, with or without a
    fused activation, activation, dropout, cross_entropy, mse). Gradients reaching a value along several
    paths are added. Only values that depend on a `wrt` value get gradients:
    the minibatch does not. A value in `wrt` that the loss does not depend on
    gets a zero gradient. An op on the path without a rule is an error.
    Every op it creates carries the unit attribute `train.gradient`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def TrainFuse : Pass<"train-fuse", "mlir::ModuleOp"> {
  let summary = "Fuse activations into dense layers; shared-input layers as one wide GEMM";
  let description = [{
    Two rewrites.

    A dense layer whose input is shared by its R runs (the minibatch, [B, K])
    gets the `wide` flag: its R products become one GEMM X[B, K] x W[K, R*N]
    whose column panels may span runs, which keeps the vector lanes full for
    narrow layers and reads each block of X once for all runs.
    train-autodiff passes the flag on to the layer's weight gradient.


    A train.activation (relu, tanh, sigmoid, identity) whose input is a
    train.dense result used nowhere else becomes that dense layer's
    `activation` epilogue: the pre-activation is never stored, and
    train-autodiff differentiates through the output
    (train.activation_output_grad). gelu stays separate: its slope needs the
    pre-activation. Run before train-autodiff.
  }];
}

def EnergyInsertProbes : Pass<"energy-insert-probes", "mlir::ModuleOp"> {
  let summary = "Wrap each training phase in an energy.region with its static cost";
  let description = [{
    Run after train-autodiff. In every function, the ops are grouped by phase
    (train_step: `forward`, `backward` (the ops marked `train.gradient`),
    `update` (optimizer ops); any other function, e.g. evaluate: `eval`),
    reordered so that each phase is contiguous (forward-only ops such as the
    per-row losses move before the gradient code; an order that would break a
    dependence is an error), and each phase is wrapped in an `energy.region`
    with its FLOPs and DRAM bytes for all runs of the group. Costs come from
    the shapes, with dynamic batch dimensions taken as the module's
    `train.batch`: a dense product is 2*R*B*K*N FLOPs, elementwise and
    reduction ops a few FLOPs per element (docs/energy.md), and bytes count
    every tensor operand read once and every result written once. Constants
    stay outside the regions.
  }];
  let dependentDialects = ["sweep::energy::EnergyDialect"];
}

#endif // SWEEP_TRANSFORMS_PASSES
