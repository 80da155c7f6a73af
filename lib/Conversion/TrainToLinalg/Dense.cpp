//===- Dense.cpp - dense layers and their gradients as named products -----===//
//
// Each product is a linalg.generic with loops (r, b, k, n) or their gradient's
// order, accumulating with fma in the interpreter's order, and a library call
// naming the register-blocked kernel (runtime/kernels) that
// convert-linalg-to-kernel-calls substitutes for the loops. The bias broadcast
// and the activation are separate generics marked for that pass to fuse.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/TrainToLinalg/Patterns.h"

#include "lib/Conversion/Passes.h"
#include "lib/Conversion/TrainToLinalg/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace sweep;
using namespace sweep::train_to_linalg;
using utils::IteratorType;

namespace {
/// The products' body: acc = fma(a, b, acc), rounded once as the
/// interpreter's std::fma.
Value fmaAccumulate(OpBuilder &nb, Location nl, ValueRange args) {
  return nb.create<math::FmaOp>(nl, args[0], args[1], args[2]);
}

struct DenseLowering : OpRewritePattern<train::DenseOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::DenseOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    auto type = op.getResult().getType();
    bool shared = op.hasSharedInput();
    Value empty =
        emptyTensor(b, loc, type.getShape(), b.getF32Type(), {{op.getInput(), shared ? 0 : 1}});
    // Start from the bias, as the interpreter does.
    auto broadcast =
        generic(b, loc, ValueRange{op.getBias()}, empty,
                ArrayRef<AffineMap>{pick(ctx, 3, {0, 2}), pick(ctx, 3, {0, 1, 2})},
                ArrayRef<IteratorType>{kPar, kPar, kPar},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value { return args[0]; });
    broadcast->setAttr(sweep::kBiasInitAttr, b.getUnitAttr());
    Value init = broadcast.getResult(0);
    // Loops (r, b, k, n): out[r, b, n] = fma(x[b, k], w[r, k, n], out), k in
    // order, as the interpreter's std::fma. The library
    // call names the register-blocked kernel (runtime/kernels) that
    // convert-linalg-to-std calls instead of these loops.
    AffineMap xMap = shared ? pick(ctx, 4, {1, 2}) : pick(ctx, 4, {0, 1, 2});
    auto product =
        generic(b, loc, ValueRange{op.getInput(), op.getWeight()}, init,
                ArrayRef<AffineMap>{xMap, pick(ctx, 4, {0, 2, 3}), pick(ctx, 4, {0, 1, 3})},
                ArrayRef<IteratorType>{kPar, kPar, kRed, kPar}, fmaAccumulate);
    product.setLibraryCallAttr(b.getStringAttr(op.getWide() ? "sweep_dense_wide"
                                               : shared     ? "sweep_dense_shared"
                                                            : "sweep_dense_per_run"));
    Value result = product.getResult(0);
    if (std::optional<train::ActivationKind> act = op.getActivation()) {
      // The product's result has no other use: a kernel may fuse this.
      auto activation = elementwise(b, loc, ValueRange{result}, emptyLike(b, loc, result),
                                    [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                      return activate(nb, nl, *act, args[0]);
                                    });
      activation->setAttr(sweep::kEpilogueAttr,
                          b.getStringAttr(train::stringifyActivationKind(*act)));
      result = activation.getResult(0);
    }
    b.replaceOp(op, result);
    return success();
  }
};

struct DenseGradWeightLowering : OpRewritePattern<train::DenseGradWeightOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::DenseGradWeightOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    auto type = op.getResult().getType();
    bool shared = op.getInput().getType().getRank() == 2;
    Value init =
        filled(b, loc, b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type()), 0.0);
    // Loops (r, b, k, n): dw[r, k, n] += x[b, k] * dy[r, b, n].
    AffineMap xMap = shared ? pick(ctx, 4, {1, 2}) : pick(ctx, 4, {0, 1, 2});
    auto gradient =
        generic(b, loc, ValueRange{op.getInput(), op.getGrad()}, init,
                ArrayRef<AffineMap>{xMap, pick(ctx, 4, {0, 1, 3}), pick(ctx, 4, {0, 2, 3})},
                ArrayRef<IteratorType>{kPar, kRed, kPar, kPar}, fmaAccumulate);
    gradient.setLibraryCallAttr(b.getStringAttr(op.getWide() ? "sweep_dense_grad_weight_wide"
                                                : shared     ? "sweep_dense_grad_weight_shared"
                                                             : "sweep_dense_grad_weight_per_run"));
    b.replaceOp(op, gradient.getResult(0));
    return success();
  }
};

struct DenseGradInputLowering : OpRewritePattern<train::DenseGradInputOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::DenseGradInputOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    auto type = op.getResult().getType();
    Value init = filled(
        b, loc, emptyTensor(b, loc, type.getShape(), b.getF32Type(), {{op.getGrad(), 1}}), 0.0);
    // Loops (r, b, k, n): dx[r, b, k] += dy[r, b, n] * w[r, k, n].
    auto gradient = generic(b, loc, ValueRange{op.getGrad(), op.getWeight()}, init,
                            ArrayRef<AffineMap>{pick(ctx, 4, {0, 1, 3}), pick(ctx, 4, {0, 2, 3}),
                                                pick(ctx, 4, {0, 1, 2})},
                            ArrayRef<IteratorType>{kPar, kPar, kPar, kRed}, fmaAccumulate);
    gradient.setLibraryCallAttr(b.getStringAttr("sweep_dense_grad_input"));
    b.replaceOp(op, gradient.getResult(0));
    return success();
  }
};

struct BiasGradLowering : OpRewritePattern<train::BiasGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::BiasGradOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    auto type = op.getResult().getType();
    Value init =
        filled(b, loc, b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type()), 0.0);
    Value result = generic(b, loc, ValueRange{op.getGrad()}, init,
                           ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 2})},
                           ArrayRef<IteratorType>{kPar, kRed, kPar},
                           [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                             return nb.create<arith::AddFOp>(nl, args[1], args[0]);
                           })
                       .getResult(0);
    b.replaceOp(op, result);
    return success();
  }
};
} // namespace

void sweep::train_to_linalg::populateDensePatterns(RewritePatternSet &patterns) {
  patterns.add<DenseLowering, DenseGradWeightLowering, DenseGradInputLowering, BiasGradLowering>(
      patterns.getContext());
}
