//===- Optimizers.cpp - optimizer updates as one generic per parameter ----===//
//
// Each update reads the parameter, its gradient, the optimizer's state and the
// per-run hyperparameters, and yields the new parameter and state.
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
} // namespace

void sweep::train_to_linalg::populateOptimizerPatterns(RewritePatternSet &patterns) {
  patterns.add<SgdLowering, AdamLowering>(patterns.getContext());
}
