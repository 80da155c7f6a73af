//===- Passes.td - conversions out of the train dialect ----*- tablegen -*-===//

#ifndef SWEEP_CONVERSION_PASSES
#define SWEEP_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTrainToLinalg : Pass<"convert-train-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower train ops to linalg.generic on tensors";
  let description = [{
    Every train op becomes linalg.generic ops (plus tensor.empty, linalg.fill,
    arith and math) whose loop order and arithmetic follow the reference
    interpreter, so that compiled training can match it bit for bit.
    train.backward must be gone (run train-autodiff first).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

#endif // SWEEP_CONVERSION_PASSES
