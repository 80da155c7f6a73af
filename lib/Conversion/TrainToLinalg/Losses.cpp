//===- Losses.cpp - losses, their gradients and accuracy ------------------===//
//
// softmax, cross_entropy, mse, their gradients, per-row losses and accuracy.
// The softmax family shares the row peak, exp-sum and log-sum generics;
// reductions run in index order from the interpreter's initial values.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/TrainToLinalg/Patterns.h"

#include "lib/Conversion/TrainToLinalg/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>
#include <type_traits>

using namespace mlir;
using namespace sweep;
using namespace sweep::train_to_linalg;
using utils::IteratorType;

namespace {
/// Row maxima [R, B] of logits [R, B, C] with the interpreter's rule (a NaN wins).
Value rowPeak(OpBuilder &b, Location loc, Value logits) {
  auto type = cast<RankedTensorType>(logits.getType());
  MLIRContext *ctx = b.getContext();
  Value init = filled(
      b, loc,
      emptyTensor(b, loc, {type.getDimSize(0), type.getDimSize(1)}, b.getF32Type(), {{logits, 1}}),
      -std::numeric_limits<double>::infinity());
  return generic(b, loc, ValueRange{logits}, init,
                 ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 1})},
                 ArrayRef<IteratorType>{kPar, kPar, kRed},
                 [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                   Value z = args[0], acc = args[1];
                   Value greater = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT, z, acc);
                   Value isNan = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::UNO, z, z);
                   Value take = nb.create<arith::OrIOp>(nl, greater, isNan);
                   return nb.create<arith::SelectOp>(nl, take, z, acc);
                 })
      .getResult(0);
}

/// Sums [R, B] over c of exp(logits - peak).
Value rowExpSum(OpBuilder &b, Location loc, Value logits, Value peak) {
  MLIRContext *ctx = b.getContext();
  Value init = filled(b, loc,
                      emptyTensor(b, loc, cast<RankedTensorType>(peak.getType()).getShape(),
                                  b.getF32Type(), {{logits, 1}}),
                      0.0);
  return generic(b, loc, ValueRange{logits, peak}, init,
                 ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 1}),
                                     pick(ctx, 3, {0, 1})},
                 ArrayRef<IteratorType>{kPar, kPar, kRed},
                 [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                   Value e =
                       nb.create<math::ExpOp>(nl, nb.create<arith::SubFOp>(nl, args[0], args[1]));
                   return nb.create<arith::AddFOp>(nl, args[2], e);
                 })
      .getResult(0);
}

/// Sums [R, B] rows over b into [R] and divides by the batch size.
Value meanOverBatch(OpBuilder &b, Location loc, Value rows, Value batchSource, int64_t batchDim) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(rows.getType());
  Value init = filled(
      b, loc, b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{type.getDimSize(0)}, b.getF32Type()),
      0.0);
  Value sums = generic(b, loc, ValueRange{rows}, init,
                       ArrayRef<AffineMap>{pick(ctx, 2, {0, 1}), pick(ctx, 2, {0})},
                       ArrayRef<IteratorType>{kPar, kRed},
                       [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                         return nb.create<arith::AddFOp>(nl, args[1], args[0]);
                       })
                   .getResult(0);
  Value n = batchAsFloat(b, loc, batchSource, batchDim);
  Value empty =
      b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{type.getDimSize(0)}, b.getF32Type());
  return elementwise(b, loc, ValueRange{sums}, empty,
                     [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                       return nb.create<arith::DivFOp>(nl, args[0], n);
                     })
      .getResult(0);
}

struct SoftmaxLowering : OpRewritePattern<train::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::SoftmaxOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value logits = op.getInput();
    Value peak = rowPeak(b, loc, logits), sum = rowExpSum(b, loc, logits, peak);
    auto type = op.getResult().getType();
    Value empty = emptyTensor(b, loc, type.getShape(), b.getF32Type(), {{logits, 1}});
    Value result = generic(b, loc, ValueRange{logits, peak, sum}, empty,
                           ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 1}),
                                               pick(ctx, 3, {0, 1}), pick(ctx, 3, {0, 1, 2})},
                           ArrayRef<IteratorType>{kPar, kPar, kPar},
                           [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                             Value e = nb.create<math::ExpOp>(
                                 nl, nb.create<arith::SubFOp>(nl, args[0], args[1]));
                             return nb.create<arith::DivFOp>(nl, e, args[2]);
                           })
                       .getResult(0);
    b.replaceOp(op, result);
    return success();
  }
};

/// Each row's log-sum-exp [R, B]: peak + log(sum), once per row (a log per
/// logit in the gradient's loop was as costly as its exp).
Value rowLogSum(OpBuilder &b, Location loc, Value peak, Value sum) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(peak.getType());
  Value empty = emptyTensor(b, loc, type.getShape(), b.getF32Type(), {{peak, 1}});
  return generic(
             b, loc, ValueRange{peak, sum}, empty,
             ArrayRef<AffineMap>{pick(ctx, 2, {0, 1}), pick(ctx, 2, {0, 1}), pick(ctx, 2, {0, 1})},
             ArrayRef<IteratorType>{kPar, kPar},
             [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
               return nb.create<arith::AddFOp>(nl, args[0], nb.create<math::LogOp>(nl, args[1]));
             })
      .getResult(0);
}

/// cross_entropy and its gradient share the row peak, exp-sum and log-sum.
/// Each row's cross-entropy [R, B] in f32: (peak + log(sum)) - z[label].
Value crossEntropyRows(OpBuilder &b, Location loc, Value logits, Value labels, Value logSum) {
  MLIRContext *ctx = b.getContext();
  auto logitsType = cast<RankedTensorType>(logits.getType());
  Value empty = emptyTensor(b, loc, {logitsType.getDimSize(0), logitsType.getDimSize(1)},
                            b.getF32Type(), {{logits, 1}});
  return generic(b, loc, ValueRange{logSum, labels}, empty,
                 ArrayRef<AffineMap>{pick(ctx, 2, {0, 1}), pick(ctx, 2, {1}), pick(ctx, 2, {0, 1})},
                 ArrayRef<IteratorType>{kPar, kPar},
                 [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                   Value r = nb.create<linalg::IndexOp>(nl, 0);
                   Value row = nb.create<linalg::IndexOp>(nl, 1);
                   Value picked = nb.create<tensor::ExtractOp>(
                       nl, logits, ValueRange{r, row, labelIndex(nb, nl, args[1])});
                   return nb.create<arith::SubFOp>(nl, args[0], picked);
                 })
      .getResult(0);
}

/// out - target at (r, b, t) inside a generic body; a label target is a
/// one-hot row.
Value targetDifference(OpBuilder &nb, Location nl, Value o, Value t, bool labels) {
  Value targetValue = t;
  if (labels) {
    Value col = nb.create<linalg::IndexOp>(nl, 2);
    Value hit = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, col, labelIndex(nb, nl, t));
    targetValue = nb.create<arith::SelectOp>(nl, hit, f32(nb, nl, 1), f32(nb, nl, 0));
  }
  return nb.create<arith::SubFOp>(nl, o, targetValue);
}

template <typename OpTy> struct CrossEntropyLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value logits = op.getLogits(), labels = op.getLabels();
    auto logitsType = cast<RankedTensorType>(logits.getType());
    Value peak = rowPeak(b, loc, logits);
    Value logSum = rowLogSum(b, loc, peak, rowExpSum(b, loc, logits, peak));
    if constexpr (std::is_same_v<OpTy, train::CrossEntropyOp>) {
      Value rows = crossEntropyRows(b, loc, logits, labels, logSum);
      b.replaceOp(op, meanOverBatch(b, loc, rows, logits, 1));
    } else {
      // d/dz of the batch mean: (exp(z - logSum) - onehot) * (1 / n).
      Value n = batchAsFloat(b, loc, logits, 1);
      Value scale = b.create<arith::DivFOp>(loc, f32(b, loc, 1), n);
      Value empty = emptyTensor(b, loc, logitsType.getShape(), b.getF32Type(), {{logits, 1}});
      Value result =
          generic(b, loc, ValueRange{logits, logSum, labels}, empty,
                  ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 1}),
                                      pick(ctx, 3, {1}), pick(ctx, 3, {0, 1, 2})},
                  ArrayRef<IteratorType>{kPar, kPar, kPar},
                  [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    Value p =
                        nb.create<math::ExpOp>(nl, nb.create<arith::SubFOp>(nl, args[0], args[1]));
                    Value c = nb.create<linalg::IndexOp>(nl, 2);
                    Value hit = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, c,
                                                         labelIndex(nb, nl, args[2]));
                    Value onehot =
                        nb.create<arith::SelectOp>(nl, hit, f32(nb, nl, 1), f32(nb, nl, 0));
                    Value diff = nb.create<arith::SubFOp>(nl, p, onehot);
                    return nb.create<arith::MulFOp>(nl, diff, scale);
                  })
              .getResult(0);
      b.replaceOp(op, result);
    }
    return success();
  }
};

/// mse and its gradient; targets are [B, T] floats or [B] labels (one-hot).
template <typename OpTy> struct MseLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value out = op.getOutput(), target = op.getTarget();
    auto outType = cast<RankedTensorType>(out.getType());
    bool labels = cast<RankedTensorType>(target.getType()).getElementType().isInteger(32);
    AffineMap targetMap = labels ? pick(ctx, 3, {1}) : pick(ctx, 3, {1, 2});
    auto difference = [&](OpBuilder &nb, Location nl, Value o, Value t) {
      return targetDifference(nb, nl, o, t, labels);
    };
    if constexpr (std::is_same_v<OpTy, train::MseOp>) {
      // Row sums over t of diff^2, then / width per row, then the batch mean.
      Value init = filled(b, loc,
                          emptyTensor(b, loc, {outType.getDimSize(0), outType.getDimSize(1)},
                                      b.getF32Type(), {{out, 1}}),
                          0.0);
      Value sums =
          generic(b, loc, ValueRange{out, target}, init,
                  ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), targetMap, pick(ctx, 3, {0, 1})},
                  ArrayRef<IteratorType>{kPar, kPar, kRed},
                  [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    Value diff = difference(nb, nl, args[0], args[1]);
                    Value square = nb.create<arith::MulFOp>(nl, diff, diff);
                    return nb.create<arith::AddFOp>(nl, args[2], square);
                  })
              .getResult(0);
      Value width = f32(b, loc, double(outType.getDimSize(2)));
      Value rows =
          elementwise(b, loc, ValueRange{sums},
                      emptyTensor(b, loc, cast<RankedTensorType>(sums.getType()).getShape(),
                                  b.getF32Type(), {{out, 1}}),
                      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                        return nb.create<arith::DivFOp>(nl, args[0], width);
                      })
              .getResult(0);
      b.replaceOp(op, meanOverBatch(b, loc, rows, out, 1));
    } else {
      // 2 * diff / (n * width), as the interpreter computes it.
      Value n = batchAsFloat(b, loc, out, 1);
      Value denominator =
          b.create<arith::MulFOp>(loc, n, f32(b, loc, double(outType.getDimSize(2))));
      Value empty = emptyTensor(b, loc, outType.getShape(), b.getF32Type(), {{out, 1}});
      Value result =
          generic(b, loc, ValueRange{out, target}, empty,
                  ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), targetMap, pick(ctx, 3, {0, 1, 2})},
                  ArrayRef<IteratorType>{kPar, kPar, kPar},
                  [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    Value diff = difference(nb, nl, args[0], args[1]);
                    Value twice = nb.create<arith::MulFOp>(nl, f32(nb, nl, 2), diff);
                    return nb.create<arith::DivFOp>(nl, twice, denominator);
                  })
              .getResult(0);
      b.replaceOp(op, result);
    }
    return success();
  }
};

/// Each row's loss in f64, as the interpreter accumulates it (Kernels.h):
/// cross-entropy rows widened; mse rows summed and divided in double.
struct LossRowsLowering : OpRewritePattern<train::LossRowsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::LossRowsOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value out = op.getOutput(), target = op.getTarget();
    auto outType = cast<RankedTensorType>(out.getType());
    SmallVector<int64_t> rowsShape = {outType.getDimSize(0), outType.getDimSize(1)};
    Value rows64 = emptyTensor(b, loc, rowsShape, b.getF64Type(), {{out, 1}});
    if (op.getKind() == "cross_entropy") {
      Value peak = rowPeak(b, loc, out);
      Value rows = crossEntropyRows(b, loc, out, target,
                                    rowLogSum(b, loc, peak, rowExpSum(b, loc, out, peak)));
      b.replaceOp(op, elementwise(b, loc, ValueRange{rows}, rows64,
                                  [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                    return nb.create<arith::ExtFOp>(nl, nb.getF64Type(), args[0]);
                                  })
                          .getResult(0));
      return success();
    }
    bool labels = cast<RankedTensorType>(target.getType()).getElementType().isInteger(32);
    AffineMap targetMap = labels ? pick(ctx, 3, {1}) : pick(ctx, 3, {1, 2});
    Value sums =
        generic(b, loc, ValueRange{out, target}, filled(b, loc, rows64, 0.0),
                ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), targetMap, pick(ctx, 3, {0, 1})},
                ArrayRef<IteratorType>{kPar, kPar, kRed},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value diff = nb.create<arith::ExtFOp>(
                      nl, nb.getF64Type(), targetDifference(nb, nl, args[0], args[1], labels));
                  return nb.create<arith::AddFOp>(nl, args[2],
                                                  nb.create<arith::MulFOp>(nl, diff, diff));
                })
            .getResult(0);
    Value width =
        b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(double(outType.getDimSize(2))));
    b.replaceOp(op, elementwise(b, loc, ValueRange{sums}, emptyLike(b, loc, sums),
                                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                  return nb.create<arith::DivFOp>(nl, args[0], width);
                                })
                        .getResult(0));
    return success();
  }
};

struct AccuracyLowering : OpRewritePattern<train::AccuracyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::AccuracyOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    Value logits = op.getLogits();
    auto type = cast<RankedTensorType>(logits.getType());
    Value peak = rowPeak(b, loc, logits);
    // The first class at the peak: the smallest c with z == peak.
    Value none = b.create<arith::ConstantIndexOp>(loc, type.getDimSize(2));
    Value bestInit =
        b.create<linalg::FillOp>(loc, none,
                                 emptyTensor(b, loc, {type.getDimSize(0), type.getDimSize(1)},
                                             b.getIndexType(), {{logits, 1}}))
            .getResult(0);
    Value best = generic(b, loc, ValueRange{logits, peak}, bestInit,
                         ArrayRef<AffineMap>{pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 1}),
                                             pick(ctx, 3, {0, 1})},
                         ArrayRef<IteratorType>{kPar, kPar, kRed},
                         [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                           Value c = nb.create<linalg::IndexOp>(nl, 2);
                           Value atPeak = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OEQ,
                                                                   args[0], args[1]);
                           Value smaller = nb.create<arith::MinUIOp>(nl, args[2], c);
                           return nb.create<arith::SelectOp>(nl, atPeak, smaller, args[2]);
                         })
                     .getResult(0);
    Value init = filled(
        b, loc,
        b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{type.getDimSize(0)}, b.getF32Type()), 0.0);
    Value correct =
        generic(b, loc, ValueRange{best, op.getLabels()}, init,
                ArrayRef<AffineMap>{pick(ctx, 2, {0, 1}), pick(ctx, 2, {1}), pick(ctx, 2, {0})},
                ArrayRef<IteratorType>{kPar, kRed},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value hit = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, args[0],
                                                       labelIndex(nb, nl, args[1]));
                  Value one = nb.create<arith::SelectOp>(nl, hit, f32(nb, nl, 1), f32(nb, nl, 0));
                  return nb.create<arith::AddFOp>(nl, args[2], one);
                })
            .getResult(0);
    b.replaceOp(op, correct);
    return success();
  }
};
} // namespace

void sweep::train_to_linalg::populateLossPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering, CrossEntropyLowering<train::CrossEntropyOp>,
               CrossEntropyLowering<train::CrossEntropyGradOp>, MseLowering<train::MseOp>,
               MseLowering<train::MseGradOp>, LossRowsLowering, AccuracyLowering>(
      patterns.getContext());
}
