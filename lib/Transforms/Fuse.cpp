//===- Fuse.cpp - activation epilogues and wide shared-input GEMMs --------===//

#include "lib/Transforms/Passes.h"

#include "dialects/train/TrainOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace sweep {
#define GEN_PASS_DEF_TRAINFUSE
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;
using namespace sweep;

namespace {
/// dense (no epilogue, one use) -> activation  ==>  dense {activation}.
struct FuseActivationIntoDense : OpRewritePattern<train::ActivationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::ActivationOp op, PatternRewriter &b) const override {
    auto dense = op.getInput().getDefiningOp<train::DenseOp>();
    if (!dense || dense.getActivation() || !dense.getResult().hasOneUse())
      return b.notifyMatchFailure(op, "not the only user of an unfused dense layer");
    if (op.getKind() == train::ActivationKind::Gelu)
      return b.notifyMatchFailure(op, "gelu's gradient needs the pre-activation");
    auto fused = b.create<train::DenseOp>(
        dense.getLoc(), dense.getResult().getType(), dense.getInput(), dense.getWeight(),
        dense.getBias(), train::ActivationKindAttr::get(b.getContext(), op.getKind()),
        dense.getWide());
    b.replaceOp(op, fused.getResult());
    b.eraseOp(dense);
    return success();
  }
};

/// dense with a shared input [B, K]  ==>  dense ... wide.
struct WidenSharedInputDense : OpRewritePattern<train::DenseOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(train::DenseOp op, PatternRewriter &b) const override {
    if (!op.hasSharedInput() || op.getWide())
      return b.notifyMatchFailure(op, "per-run input, or already wide");
    b.modifyOpInPlace(op, [&] { op.setWide(true); });
    return success();
  }
};

struct TrainFusePass : public sweep::impl::TrainFuseBase<TrainFusePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseActivationIntoDense, WidenSharedInputDense>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
