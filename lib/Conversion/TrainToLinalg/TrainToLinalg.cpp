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
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"

#include "dialects/train/TrainOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <array>

namespace sweep {
#define GEN_PASS_DEF_CONVERTTRAINTOLINALG
#include "lib/Conversion/Passes.h.inc"
} // namespace sweep

using namespace mlir;
using namespace sweep;
using utils::IteratorType;

namespace {
constexpr IteratorType kPar = IteratorType::parallel, kRed = IteratorType::reduction;

/// An empty tensor shaped like `shape`, taking dynamic sizes from `sources`
/// (value, dimension) in order.
Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type element,
                  ArrayRef<std::pair<Value, int64_t>> sources) {
  SmallVector<Value> dynamic;
  size_t next = 0;
  for (int64_t d : shape)
    if (ShapedType::isDynamic(d)) {
      auto [value, dim] = sources[next++];
      dynamic.push_back(b.create<tensor::DimOp>(loc, value, dim));
    }
  return b.create<tensor::EmptyOp>(loc, shape, element, dynamic);
}

/// An empty tensor of `like`'s type, its dynamic sizes taken from `like`.
Value emptyLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<std::pair<Value, int64_t>> dims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dims.push_back({like, d});
  return emptyTensor(b, loc, type.getShape(), type.getElementType(), dims);
}

Value filled(OpBuilder &b, Location loc, Value empty, double value) {
  Type element = cast<ShapedType>(empty.getType()).getElementType();
  Value scalar = b.create<arith::ConstantOp>(loc, b.getFloatAttr(element, value));
  return b.create<linalg::FillOp>(loc, scalar, empty).getResult(0);
}

Value f32(OpBuilder &b, Location loc, double v) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(float(v)));
}

/// Affine map of `dims` loop dimensions that picks `picked`.
AffineMap pick(MLIRContext *ctx, unsigned dims, ArrayRef<unsigned> picked) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : picked)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(dims, 0, exprs, ctx);
}

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

/// A linalg.generic over `inputs` into `init`; `body` returns the value
/// each iteration yields.
linalg::GenericOp generic(OpBuilder &b, Location loc, ValueRange inputs, Value init,
                          ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iterators,
                          function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  return b.create<linalg::GenericOp>(loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
                                     iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
                                       nb.create<linalg::YieldOp>(nl, body(nb, nl, args));
                                     });
}

/// Identity maps and all-parallel iterators for an elementwise op.
linalg::GenericOp elementwise(OpBuilder &b, Location loc, ValueRange inputs, Value init,
                              function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  unsigned rank = unsigned(cast<RankedTensorType>(init.getType()).getRank());
  SmallVector<AffineMap> maps(inputs.size() + 1, b.getMultiDimIdentityMap(rank));
  return generic(b, loc, inputs, init, maps, SmallVector<IteratorType>(rank, kPar), body);
}

/// The batch size of `value` (dimension `dim`) as an f32.
Value batchAsFloat(OpBuilder &b, Location loc, Value value, int64_t dim) {
  Value n = b.create<tensor::DimOp>(loc, value, dim);
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), n);
  return b.create<arith::SIToFPOp>(loc, b.getF32Type(), i64);
}

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

/// The label of row b as an index, from labels [B] inside a generic body.
Value labelIndex(OpBuilder &b, Location loc, Value label) {
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), label);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

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
                ArrayRef<IteratorType>{kPar, kPar, kRed, kPar},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  return nb.create<math::FmaOp>(nl, args[0], args[1], args[2]);
                });
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

/// Philox4x32-10 of `counter` under `key`, as runtime/rng/Philox.h computes
/// it: 32-bit integers, each round's products split into high and low words
/// (arith.mului_extended), the key bumped by the Weyl constants.
std::array<Value, 4> philox4x32(OpBuilder &b, Location loc, std::array<Value, 4> counter,
                                std::array<Value, 2> key) {
  auto constant = [&](uint32_t value) -> Value {
    return b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(int32_t(value)));
  };
  Value mul0 = constant(0xD2511F53u), mul1 = constant(0xCD9E8D57u);
  Value weyl0 = constant(0x9E3779B9u), weyl1 = constant(0xBB67AE85u);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] = b.create<arith::AddIOp>(loc, key[0], weyl0);
      key[1] = b.create<arith::AddIOp>(loc, key[1], weyl1);
    }
    auto product0 = b.create<arith::MulUIExtendedOp>(loc, mul0, counter[0]);
    auto product1 = b.create<arith::MulUIExtendedOp>(loc, mul1, counter[2]);
    auto xor3 = [&](Value x, Value y, Value z) {
      return b.create<arith::XOrIOp>(loc, b.create<arith::XOrIOp>(loc, x, y), z);
    };
    counter = {xor3(product1.getHigh(), counter[1], key[0]), product1.getLow(),
               xor3(product0.getHigh(), counter[3], key[1]), product0.getLow()};
  }
  return counter;
}

/// The scale of value [r, i, j]: the run's Philox dropout stream at draw
/// (first_row + i) * N + j, its top 24 bits against the run's threshold
/// (runtime/rng/TrainingDraws.h, dropoutScales).
struct DropoutMaskLowering : OpRewritePattern<train::DropoutMaskOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::DropoutMaskOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    RankedTensorType type = op.getResult().getType();
    SmallVector<Value> dynamic;
    if (type.isDynamicDim(1))
      dynamic.push_back(op.getRows());
    Value empty = b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType(), dynamic);
    int64_t width = type.getDimSize(2);
    uint64_t stream = (uint64_t(2) << 32) + uint64_t(op.getLayer()); // stream::kDropout + layer
    AffineMap perRun = pick(ctx, 3, {0}), scalar = AffineMap::get(3, 0, {}, ctx);
    Value result =
        generic(b, loc, ValueRange{op.getSeeds(), op.getBelow(), op.getKeep(), op.getFirstRow()},
                empty,
                ArrayRef<AffineMap>{perRun, perRun, perRun, scalar, pick(ctx, 3, {0, 1, 2})},
                ArrayRef<IteratorType>{kPar, kPar, kPar},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Type i64 = nb.getI64Type(), i32 = nb.getI32Type();
                  auto c64 = [&](int64_t v) -> Value {
                    return nb.create<arith::ConstantOp>(nl, nb.getI64IntegerAttr(v));
                  };
                  auto low = [&](Value v) -> Value { return nb.create<arith::TruncIOp>(nl, i32, v); };
                  auto high = [&](Value v) -> Value {
                    return low(nb.create<arith::ShRUIOp>(nl, v, c64(32)));
                  };
                  Value row = nb.create<arith::IndexCastOp>(nl, i64,
                                                            nb.create<linalg::IndexOp>(nl, 1));
                  Value col = nb.create<arith::IndexCastOp>(nl, i64,
                                                            nb.create<linalg::IndexOp>(nl, 2));
                  // draw = (first_row + row) * width + col, in u64 arithmetic.
                  Value draw = nb.create<arith::AddIOp>(
                      nl,
                      nb.create<arith::MulIOp>(nl, nb.create<arith::AddIOp>(nl, args[3], row),
                                               c64(width)),
                      col);
                  Value block = nb.create<arith::ShRUIOp>(nl, draw, c64(2));
                  Value lane = nb.create<arith::AndIOp>(nl, draw, c64(3));
                  auto c32 = [&](uint32_t v) -> Value {
                    return nb.create<arith::ConstantOp>(nl, nb.getI32IntegerAttr(int32_t(v)));
                  };
                  std::array<Value, 4> bits =
                      philox4x32(nb, nl,
                                 {low(block), high(block), c32(uint32_t(stream)),
                                  c32(uint32_t(stream >> 32))},
                                 {low(args[0]), high(args[0])});
                  auto laneIs = [&](int64_t l) -> Value {
                    return nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, lane, c64(l));
                  };
                  Value picked = nb.create<arith::SelectOp>(
                      nl, laneIs(0), bits[0],
                      nb.create<arith::SelectOp>(
                          nl, laneIs(1), bits[1],
                          nb.create<arith::SelectOp>(nl, laneIs(2), bits[2], bits[3])));
                  Value top = nb.create<arith::ShRUIOp>(nl, picked, c32(8));
                  Value dropped =
                      nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::ult, top, args[1]);
                  return nb.create<arith::SelectOp>(nl, dropped, f32(nb, nl, 0), args[2]);
                })
            .getResult(0);
    b.replaceOp(op, result);
    return success();
  }
};

struct DropoutLowering : OpRewritePattern<train::DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::DropoutOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = b.getContext();
    bool shared = op.getInput().getType().getRank() == 2;
    AffineMap inputMap = shared ? pick(ctx, 3, {1, 2}) : pick(ctx, 3, {0, 1, 2});
    Value result =
        generic(b, loc, ValueRange{op.getInput(), op.getScale()}, emptyLike(b, loc, op.getScale()),
                ArrayRef<AffineMap>{inputMap, pick(ctx, 3, {0, 1, 2}), pick(ctx, 3, {0, 1, 2})},
                ArrayRef<IteratorType>{kPar, kPar, kPar},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  return nb.create<arith::MulFOp>(nl, args[0], args[1]);
                })
            .getResult(0);
    b.replaceOp(op, result);
    return success();
  }
};

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
                ArrayRef<IteratorType>{kPar, kRed, kPar, kPar},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  return nb.create<math::FmaOp>(nl, args[0], args[1], args[2]);
                });
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
                            ArrayRef<IteratorType>{kPar, kPar, kPar, kRed},
                            [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                              return nb.create<math::FmaOp>(nl, args[0], args[1], args[2]);
                            });
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

/// Maps for an update over a parameter of `rank`: the tensors are indexed by
/// every loop, the per-run hyperparameters by the first.
SmallVector<AffineMap> updateMaps(MLIRContext *ctx, unsigned rank, unsigned tensors,
                                  unsigned perRun, unsigned outputs) {
  SmallVector<AffineMap> maps(tensors, AffineMap::getMultiDimIdentityMap(rank, ctx));
  maps.append(perRun, pick(ctx, rank, {0}));
  maps.append(outputs, AffineMap::getMultiDimIdentityMap(rank, ctx));
  return maps;
}

/// The update generics are marked kUpdateAttr: convert-linalg-to-kernel-calls
/// may run them inside a weight-gradient kernel, whose step
/// (runtime/kernels/OptimizerStep.cpp) repeats this arithmetic operation for
/// operation. Change both together (OptimizerStepTest and the differential
/// tests compare them with the interpreter).
struct SgdLowering : OpRewritePattern<train::SgdOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::SgdOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getParam().getType());
    unsigned rank = unsigned(type.getRank());
    Value e1 = b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type());
    Value e2 = b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type());
    auto generic = b.create<linalg::GenericOp>(
        loc, TypeRange{type, type},
        ValueRange{op.getParam(), op.getGrad(), op.getBuffer(), op.getLr(), op.getMomentum(),
                   op.getWeightDecay(), op.getNesterov()},
        ValueRange{e1, e2}, updateMaps(b.getContext(), rank, 3, 4, 2),
        SmallVector<IteratorType>(rank, kPar), [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value w = a[0], grad = a[1], buf = a[2], lr = a[3], mu = a[4], wd = a[5], nest = a[6];
          Value zero = f32(nb, nl, 0);
          Value g = nb.create<arith::AddFOp>(nl, grad, nb.create<arith::MulFOp>(nl, wd, w));
          Value newBuf = nb.create<arith::AddFOp>(nl, nb.create<arith::MulFOp>(nl, mu, buf), g);
          Value nesterovStep =
              nb.create<arith::AddFOp>(nl, g, nb.create<arith::MulFOp>(nl, mu, newBuf));
          Value isNesterov = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::ONE, nest, zero);
          Value momentumStep = nb.create<arith::SelectOp>(nl, isNesterov, nesterovStep, newBuf);
          Value hasMomentum = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::UNE, mu, zero);
          Value step = nb.create<arith::SelectOp>(nl, hasMomentum, momentumStep, g);
          Value keptBuf = nb.create<arith::SelectOp>(nl, hasMomentum, newBuf, buf);
          Value newW = nb.create<arith::SubFOp>(nl, w, nb.create<arith::MulFOp>(nl, lr, step));
          nb.create<linalg::YieldOp>(nl, ValueRange{newW, keptBuf});
        });
    generic->setAttr(sweep::kUpdateAttr, b.getStringAttr("sgd"));
    b.replaceOp(op, generic.getResults());
    return success();
  }
};

struct AdamLowering : OpRewritePattern<train::AdamOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::AdamOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getParam().getType());
    unsigned rank = unsigned(type.getRank());
    bool decoupled = op.getDecoupled();
    SmallVector<Value> empties;
    for (int i = 0; i < 3; ++i)
      empties.push_back(b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type()));
    auto generic = b.create<linalg::GenericOp>(
        loc, TypeRange{type, type, type},
        ValueRange{op.getParam(), op.getGrad(), op.getM(), op.getV(), op.getLr(), op.getBeta1(),
                   op.getBeta2(), op.getEps(), op.getWeightDecay(), op.getCorrection1(),
                   op.getCorrection2()},
        empties, updateMaps(b.getContext(), rank, 4, 7, 3), SmallVector<IteratorType>(rank, kPar),
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value w = a[0], g = a[1], m = a[2], v = a[3], lr = a[4], b1 = a[5], b2 = a[6], eps = a[7],
                wd = a[8], c1 = a[9], c2 = a[10];
          Value one = f32(nb, nl, 1);
          if (decoupled)
            w = nb.create<arith::SubFOp>(
                nl, w, nb.create<arith::MulFOp>(nl, nb.create<arith::MulFOp>(nl, lr, wd), w));
          else
            g = nb.create<arith::AddFOp>(nl, g, nb.create<arith::MulFOp>(nl, wd, w));
          Value newM = nb.create<arith::AddFOp>(
              nl, nb.create<arith::MulFOp>(nl, b1, m),
              nb.create<arith::MulFOp>(nl, nb.create<arith::SubFOp>(nl, one, b1), g));
          Value newV = nb.create<arith::AddFOp>(
              nl, nb.create<arith::MulFOp>(nl, b2, v),
              nb.create<arith::MulFOp>(
                  nl, nb.create<arith::MulFOp>(nl, nb.create<arith::SubFOp>(nl, one, b2), g), g));
          Value mHat = nb.create<arith::DivFOp>(nl, newM, c1);
          Value denom = nb.create<arith::AddFOp>(
              nl,
              nb.create<arith::DivFOp>(nl, nb.create<math::SqrtOp>(nl, newV),
                                       nb.create<math::SqrtOp>(nl, c2)),
              eps);
          Value newW = nb.create<arith::SubFOp>(
              nl, w, nb.create<arith::DivFOp>(nl, nb.create<arith::MulFOp>(nl, lr, mHat), denom));
          nb.create<linalg::YieldOp>(nl, ValueRange{newW, newM, newV});
        });
    generic->setAttr(sweep::kUpdateAttr, b.getStringAttr(decoupled ? "adamw" : "adam"));
    b.replaceOp(op, generic.getResults());
    return success();
  }
};

struct ConvertTrainToLinalgPass
    : public sweep::impl::ConvertTrainToLinalgBase<ConvertTrainToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<train::TrainDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect,
                           math::MathDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    patterns.add<
        DenseLowering, ActivationLowering, ActivationGradLowering, ActivationOutputGradLowering,
        DropoutMaskLowering, DropoutLowering, SoftmaxLowering, CrossEntropyLowering<train::CrossEntropyOp>,
        CrossEntropyLowering<train::CrossEntropyGradOp>, MseLowering<train::MseOp>,
        MseLowering<train::MseGradOp>, LossRowsLowering, AccuracyLowering, DenseGradWeightLowering,
        DenseGradInputLowering, BiasGradLowering, SgdLowering, AdamLowering>(&getContext());
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
