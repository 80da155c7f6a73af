//===- JamParallelLanes.cpp - several outputs per thread, loads shared ----===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace sweep {
#define GEN_PASS_DEF_JAMPARALLELLANES
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// The parts of a nest this pass rewrites: ops before the reduction loop
/// (index arithmetic and loads), the loop, and ops after it (the stores).
struct Nest {
  scf::ParallelOp parallel;
  SmallVector<Operation *> before, after;
  scf::ForOp reduction;
};

/// `parallel` as a Nest: a body of side-effect-free ops and loads, one
/// scf.for with iteration arguments whose bounds come from outside, then
/// ops without regions (stores); unit steps and zero lower bounds.
std::optional<Nest> matchNest(scf::ParallelOp parallel) {
  Nest nest{parallel, {}, {}, nullptr};
  if (parallel.getNumResults() != 0)
    return std::nullopt;
  for (Value lb : parallel.getLowerBound())
    if (!matchPattern(lb, m_Zero()))
      return std::nullopt;
  for (Value step : parallel.getStep())
    if (!matchPattern(step, m_One()))
      return std::nullopt;
  for (Operation &op : parallel.getBody()->without_terminator()) {
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      if (nest.reduction || loop.getNumRegionIterArgs() == 0)
        return std::nullopt;
      nest.reduction = loop;
      continue;
    }
    if (op.getNumRegions() != 0)
      return std::nullopt;
    if (!nest.reduction) {
      if (!isMemoryEffectFree(&op) && !isa<memref::LoadOp>(op))
        return std::nullopt;
      nest.before.push_back(&op);
    } else {
      nest.after.push_back(&op);
    }
  }
  if (!nest.reduction || nest.after.empty())
    return std::nullopt;
  scf::ForOp loop = nest.reduction;
  for (Value bound : {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
    if (parallel->isAncestor(bound.getParentRegion()->getParentOp()))
      return std::nullopt;
  // Nothing but loads and pure ops inside the reduction.
  WalkResult walk = loop.getBody()->walk([&](Operation *op) {
    if (!isMemoryEffectFree(op) && !isa<memref::LoadOp>(op))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return std::nullopt;
  return nest;
}

/// Values in the nest that depend on induction variable `iv`.
llvm::DenseSet<Value> dependents(scf::ParallelOp parallel, Value iv) {
  llvm::DenseSet<Value> slice = {iv};
  parallel.getBody()->walk([&](Operation *op) {
    if (llvm::any_of(op->getOperands(), [&](Value v) { return slice.contains(v); }))
      for (Value result : op->getResults())
        slice.insert(result);
  });
  return slice;
}

/// The dimension to give lanes, or -1: the one (not the innermost) with the
/// most loads in the reduction that depend on the innermost dimension (a
/// warp's coalesced row) but not on it (so one load serves every lane).
int chooseDimension(Nest nest) {
  unsigned rank = nest.parallel.getNumLoops();
  if (rank < 2)
    return -1;
  llvm::DenseSet<Value> inner = dependents(nest.parallel, nest.parallel.getInductionVars().back());
  int best = -1, bestScore = 0;
  for (unsigned d = 0; d + 1 < rank; ++d) {
    llvm::DenseSet<Value> onD = dependents(nest.parallel, nest.parallel.getInductionVars()[d]);
    int score = 0;
    nest.reduction.getBody()->walk([&](memref::LoadOp load) {
      bool usesInner = false, usesD = false;
      for (Value index : load.getIndices()) {
        usesInner |= inner.contains(index);
        usesD |= onD.contains(index);
      }
      score += usesInner && !usesD;
    });
    if (score > bestScore)
      best = int(d), bestScore = score;
  }
  return best;
}

void jam(Nest nest, unsigned d, int64_t lanes, IRRewriter &rewriter) {
  scf::ParallelOp parallel = nest.parallel;
  Location loc = parallel.getLoc();
  rewriter.setInsertionPoint(parallel);
  Value extent = parallel.getUpperBound()[d];
  Value width = rewriter.create<arith::ConstantIndexOp>(loc, lanes);
  Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
  // ceil(extent / lanes) threads along d.
  Value padded = rewriter.create<arith::AddIOp>(
      loc, extent, rewriter.create<arith::SubIOp>(loc, width, one));
  SmallVector<Value> upper(parallel.getUpperBound());
  upper[d] = rewriter.create<arith::DivUIOp>(loc, padded, width);
  Value last = rewriter.create<arith::SubIOp>(loc, extent, one);
  auto jammed = rewriter.create<scf::ParallelOp>(loc, parallel.getLowerBound(), upper,
                                                  parallel.getStep());
  rewriter.setInsertionPointToStart(jammed.getBody());
  Value group = jammed.getInductionVars()[d];
  Value first = rewriter.create<arith::MulIOp>(loc, group, width);

  // Per lane: its index along d (clamped to the last), whether it is real,
  // and the nest's values before the reduction.
  SmallVector<IRMapping> maps(lanes);
  SmallVector<Value> valid(lanes);
  for (int64_t lane = 0; lane < lanes; ++lane) {
    Value index = lane == 0 ? first
                            : rewriter.create<arith::AddIOp>(
                                  loc, first, rewriter.create<arith::ConstantIndexOp>(loc, lane));
    valid[lane] = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, index, extent);
    Value clamped = rewriter.create<arith::SelectOp>(loc, valid[lane], index, last);
    for (unsigned i = 0; i < parallel.getNumLoops(); ++i)
      maps[lane].map(parallel.getInductionVars()[i],
                     i == d ? clamped : jammed.getInductionVars()[i]);
    for (Operation *op : nest.before)
      rewriter.clone(*op, maps[lane]);
  }

  // One reduction loop carrying every lane's accumulators.
  scf::ForOp loop = nest.reduction;
  unsigned carried = loop.getNumRegionIterArgs();
  SmallVector<Value> inits;
  for (int64_t lane = 0; lane < lanes; ++lane)
    for (Value init : loop.getInitArgs())
      inits.push_back(maps[lane].lookupOrDefault(init));
  auto fused = rewriter.create<scf::ForOp>(
      loop.getLoc(), loop.getLowerBound(), loop.getUpperBound(), loop.getStep(), inits,
      [&](OpBuilder &builder, Location at, Value k, ValueRange accumulators) {
        SmallVector<Value> yielded;
        for (int64_t lane = 0; lane < lanes; ++lane) {
          IRMapping &map = maps[lane];
          map.map(loop.getInductionVar(), k);
          for (unsigned j = 0; j < carried; ++j)
            map.map(loop.getRegionIterArgs()[j], accumulators[lane * carried + j]);
          for (Operation &op : loop.getBody()->without_terminator())
            builder.clone(op, map);
          for (Value v : loop.getBody()->getTerminator()->getOperands())
            yielded.push_back(map.lookupOrDefault(v));
        }
        builder.create<scf::YieldOp>(at, yielded);
      });
  // Each real lane stores its results.
  for (int64_t lane = 0; lane < lanes; ++lane) {
    for (unsigned j = 0; j < carried; ++j)
      maps[lane].map(loop.getResult(j), fused.getResult(lane * carried + j));
    auto guard = rewriter.create<scf::IfOp>(loc, valid[lane], /*withElseRegion=*/false);
    rewriter.setInsertionPointToStart(&guard.getThenRegion().front());
    for (Operation *op : nest.after)
      rewriter.clone(*op, maps[lane]);
    rewriter.setInsertionPointAfter(guard);
  }
  rewriter.eraseOp(parallel);
}

struct JamParallelLanesPass : public sweep::impl::JamParallelLanesBase<JamParallelLanesPass> {
  using JamParallelLanesBase::JamParallelLanesBase;

  void runOnOperation() override {
    if (lanes < 1) {
      getOperation().emitError("jam-parallel-lanes: lanes must be at least 1");
      return signalPassFailure();
    }
    if (lanes == 1)
      return;
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        outermost.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : outermost)
      if (std::optional<Nest> nest = matchNest(loop))
        if (int d = chooseDimension(*nest); d >= 0)
          jam(*nest, unsigned(d), lanes, rewriter);
  }
};
} // namespace
