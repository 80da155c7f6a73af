//===- Passes.td - passes over the train dialect -----------*- tablegen -*-===//

#ifndef SWEEP_TRANSFORMS_PASSES
#define SWEEP_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def TrainAutodiff : Pass<"train-autodiff", "mlir::ModuleOp"> {
  let summary = "Replace train.backward with reverse-mode gradients";
  let description = [{
    For every `train.backward %loss wrt %v...`, walks back from `%loss` through
    the ops that produced it and emits, right before the backward op, the
    vector-Jacobian product of each: one rule per op (dense, activation,
    dropout, cross_entropy, mse). Gradients reaching a value along several
    paths are added. Only values that depend on a `wrt` value get gradients:
    the minibatch does not. A value in `wrt` that the loss does not depend on
    gets a zero gradient. An op on the path without a rule is an error.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

#endif // SWEEP_TRANSFORMS_PASSES
