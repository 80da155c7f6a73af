//===- Activations.cpp - activations and their gradients ------------------===//
//
// Elementwise generics with the interpreter's formulas (runtime/interp/Kernels.h,
// runtime/kernels/Activation.h), same operand order, so compiled code can match
// the interpreter bit for bit. The gradient through an activation's output is
// marked so that the input gradient's kernel may apply it (LinalgToKernelCalls).
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/TrainToLinalg/Patterns.h"

#include "lib/Conversion/Passes.h"
#include "lib/Conversion/TrainToLinalg/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace sweep;
using namespace sweep::train_to_linalg;
using utils::IteratorType;

namespace sweep::train_to_linalg {
/// The activation of `z` as the interpreter computes it.
Value activate(OpBuilder &b, Location loc, train::ActivationKind kind, Value z) {
  switch (kind) {
  case train::ActivationKind::Relu: {
    // Unordered: a NaN stays NaN (runtime/kernels/Activation.h).
    Value zero = f32(b, loc, 0);
    Value kept = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UGT, z, zero);
    return b.create<arith::SelectOp>(loc, kept, z, zero);
  }
  case train::ActivationKind::Tanh: {
    // 1 - 2 / (exp(2z) + 1), as runtime/interp/Kernels.h computes it.
    Value e = b.create<math::ExpOp>(loc, b.create<arith::MulFOp>(loc, f32(b, loc, 2), z));
    Value ratio = b.create<arith::DivFOp>(loc, f32(b, loc, 2),
                                          b.create<arith::AddFOp>(loc, e, f32(b, loc, 1)));
    return b.create<arith::SubFOp>(loc, f32(b, loc, 1), ratio);
  }
  case train::ActivationKind::Sigmoid: {
    Value one = f32(b, loc, 1);
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, z));
    return b.create<arith::DivFOp>(loc, one, b.create<arith::AddFOp>(loc, one, e));
  }
  case train::ActivationKind::Gelu: {
    Value scaled = b.create<arith::MulFOp>(loc, z, f32(b, loc, 0.70710678118654752));
    Value onePlus =
        b.create<arith::AddFOp>(loc, f32(b, loc, 1), b.create<math::ErfOp>(loc, scaled));
    Value half = b.create<arith::MulFOp>(loc, f32(b, loc, 0.5), z);
    return b.create<arith::MulFOp>(loc, half, onePlus);
  }
  case train::ActivationKind::Identity:
    return z;
  }
  return z;
}
} // namespace sweep::train_to_linalg

namespace {
/// d activation / dz at z, given y = activate(z) (Kernels.h activationSlope).
Value slope(OpBuilder &b, Location loc, train::ActivationKind kind, Value z, Value y) {
  Value one = f32(b, loc, 1);
  switch (kind) {
  case train::ActivationKind::Relu: {
    Value positive = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, z, f32(b, loc, 0));
    return b.create<arith::SelectOp>(loc, positive, one, f32(b, loc, 0));
  }
  case train::ActivationKind::Tanh:
    return b.create<arith::SubFOp>(loc, one, b.create<arith::MulFOp>(loc, y, y));
  case train::ActivationKind::Sigmoid:
    return b.create<arith::MulFOp>(loc, y, b.create<arith::SubFOp>(loc, one, y));
  case train::ActivationKind::Gelu: {
    Value scaled = b.create<arith::MulFOp>(loc, z, f32(b, loc, 0.70710678118654752));
    Value cdf = b.create<arith::MulFOp>(
        loc, f32(b, loc, 0.5),
        b.create<arith::AddFOp>(loc, one, b.create<math::ErfOp>(loc, scaled)));
    Value square =
        b.create<arith::MulFOp>(loc, b.create<arith::MulFOp>(loc, f32(b, loc, -0.5), z), z);
    Value pdf = b.create<arith::MulFOp>(loc, f32(b, loc, 0.39894228040143268),
                                        b.create<math::ExpOp>(loc, square));
    return b.create<arith::AddFOp>(loc, cdf, b.create<arith::MulFOp>(loc, z, pdf));
  }
  case train::ActivationKind::Identity:
    return one;
  }
  return one;
}

struct ActivationLowering : OpRewritePattern<train::ActivationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::ActivationOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value empty = emptyLike(b, loc, op.getInput());
    train::ActivationKind kind = op.getKind();
    b.replaceOp(op, elementwise(b, loc, ValueRange{op.getInput()}, empty,
                                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                  return activate(nb, nl, kind, args[0]);
                                })
                        .getResult(0));
    return success();
  }
};

struct ActivationGradLowering : OpRewritePattern<train::ActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::ActivationGradOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value empty = emptyLike(b, loc, op.getInput());
    train::ActivationKind kind = op.getKind();
    b.replaceOp(op, elementwise(b, loc, ValueRange{op.getInput(), op.getGrad()}, empty,
                                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                  Value y = activate(nb, nl, kind, args[0]);
                                  return nb.create<arith::MulFOp>(nl, args[1],
                                                                  slope(nb, nl, kind, args[0], y));
                                })
                        .getResult(0));
    return success();
  }
};

struct ActivationOutputGradLowering : OpRewritePattern<train::ActivationOutputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::ActivationOutputGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value empty = emptyLike(b, loc, op.getInput());
    train::ActivationKind kind = op.getKind();
    auto product = elementwise(b, loc, ValueRange{op.getInput(), op.getGrad()}, empty,
                               [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                 // relu's slope from y > 0 equals the one from z > 0.
                                 return nb.create<arith::MulFOp>(
                                     nl, args[1], slope(nb, nl, kind, args[0], args[0]));
                               });
    // The input gradient's kernel can apply this when it computed args[1].
    if (kind == train::ActivationKind::Relu || kind == train::ActivationKind::Tanh ||
        kind == train::ActivationKind::Sigmoid)
      product->setAttr(sweep::kEpilogueGradAttr,
                       b.getStringAttr(train::stringifyActivationKind(kind)));
    b.replaceOp(op, product.getResult(0));
    return success();
  }
};
} // namespace

void sweep::train_to_linalg::populateActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<ActivationLowering, ActivationGradLowering, ActivationOutputGradLowering>(
      patterns.getContext());
}
