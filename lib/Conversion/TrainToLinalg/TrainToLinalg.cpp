//===- TrainToLinalg.cpp - train ops as linalg.generic on tensors ---------===//
//
// Each train op becomes linalg.generic ops over tensors whose loop order and
// arithmetic follow the reference interpreter (runtime/interp/Kernels.h)
// exactly: dense layers start from the bias and add x * w over k in order,
// reductions run in index order from the same initial value, and every
// formula keeps the interpreter's operand order. With no fast-math flags and
// the same libm calls, compiled code can reproduce the interpreter bit for
// bit; the differential tests check how close it is.
//
// Loops put the contiguous output axis innermost ([r, b, k, n] for dense) so
// that lowering to loops gives vectorizable inner loops.
//
// The patterns live beside this file, one file per kind of op (Patterns.h);
// the builders they share in LinalgBuilders.h.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"
#include "lib/Conversion/TrainToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace sweep {
#define GEN_PASS_DEF_CONVERTTRAINTOLINALG
#include "lib/Conversion/Passes.h.inc"
} // namespace sweep

using namespace mlir;
using namespace sweep;

namespace {
struct ConvertTrainToLinalgPass
    : public sweep::impl::ConvertTrainToLinalgBase<ConvertTrainToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<train::TrainDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect,
                           math::MathDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    train_to_linalg::populateDensePatterns(patterns);
    train_to_linalg::populateActivationPatterns(patterns);
    train_to_linalg::populateDropoutPatterns(patterns);
    train_to_linalg::populateLossPatterns(patterns);
    train_to_linalg::populateOptimizerPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
