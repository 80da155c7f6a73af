//===- Dropout.cpp - dropout masks from Philox, and their application -----===//
//
// A mask is computed inside the generic from each run's seed, so compiled
// and interpreted runs drop the same values (runtime/rng/TrainingDraws.h).
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/TrainToLinalg/Patterns.h"

#include "lib/Conversion/TrainToLinalg/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <array>

using namespace mlir;
using namespace sweep;
using namespace sweep::train_to_linalg;
using utils::IteratorType;

namespace {
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
        generic(
            b, loc, ValueRange{op.getSeeds(), op.getBelow(), op.getKeep(), op.getFirstRow()}, empty,
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
              Value row = nb.create<arith::IndexCastOp>(nl, i64, nb.create<linalg::IndexOp>(nl, 1));
              Value col = nb.create<arith::IndexCastOp>(nl, i64, nb.create<linalg::IndexOp>(nl, 2));
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
              std::array<Value, 4> bits = philox4x32(
                  nb, nl,
                  {low(block), high(block), c32(uint32_t(stream)), c32(uint32_t(stream >> 32))},
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
              Value dropped = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::ult, top, args[1]);
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
} // namespace

void sweep::train_to_linalg::populateDropoutPatterns(RewritePatternSet &patterns) {
  patterns.add<DropoutMaskLowering, DropoutLowering>(patterns.getContext());
}
