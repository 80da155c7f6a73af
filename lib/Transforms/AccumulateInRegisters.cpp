//===- AccumulateInRegisters.cpp - reduction accumulators as iter_args ----===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace sweep {
#define GEN_PASS_DEF_ACCUMULATEINREGISTERS
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// The allocation or argument `memref` is a view of.
Value rootOf(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    memref = view.getViewSource();
  }
  return memref;
}

/// A load and a store of the same element in `loop`'s body, the only
/// accesses to its buffer's root in the loop, at loop-invariant indices.
struct Accumulator {
  memref::LoadOp load;
  memref::StoreOp store;
};

/// Whether `value` is defined outside `loop`.
bool definedOutside(scf::ForOp loop, Value value) {
  return !loop.getRegion().isAncestor(value.getParentRegion());
}

std::optional<Accumulator> findAccumulator(scf::ForOp loop) {
  Block *body = loop.getBody();
  // Every memory access in the loop (nested ones included), by root.
  SmallVector<Operation *> accesses;
  bool opaque = false;
  loop.getBody()->walk([&](Operation *op) {
    if (isa<memref::LoadOp, memref::StoreOp>(op))
      accesses.push_back(op);
    else if (!isMemoryEffectFree(op) && !isa<scf::YieldOp, scf::ReduceOp, scf::ReduceReturnOp>(op) &&
             op->getNumRegions() == 0)
      opaque = true; // A call, an unknown op: anything may be touched.
  });
  if (opaque)
    return std::nullopt;
  for (Operation &op : *body) {
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load || !definedOutside(loop, load.getMemRef()) ||
        !llvm::all_of(load.getIndices(), [&](Value i) { return definedOutside(loop, i); }))
      continue;
    Value root = rootOf(load.getMemRef());
    memref::StoreOp store;
    bool alone = true;
    for (Operation *access : accesses) {
      if (access == load.getOperation())
        continue;
      Value memref = isa<memref::LoadOp>(access) ? cast<memref::LoadOp>(access).getMemRef()
                                                 : cast<memref::StoreOp>(access).getMemRef();
      if (rootOf(memref) != root)
        continue;
      auto candidate = dyn_cast<memref::StoreOp>(access);
      if (!store && candidate && candidate->getBlock() == body &&
          candidate.getMemRef() == load.getMemRef() &&
          candidate.getIndices() == load.getIndices() && load->isBeforeInBlock(candidate))
        store = candidate;
      else
        alone = false;
    }
    if (store && alone)
      return Accumulator{load, store};
  }
  return std::nullopt;
}

/// Rewrites `loop` to carry the accumulator; returns the new loop.
scf::ForOp carry(scf::ForOp loop, Accumulator accumulator, IRRewriter &rewriter) {
  rewriter.setInsertionPoint(loop);
  Value initial = rewriter.create<memref::LoadOp>(accumulator.load.getLoc(),
                                                  accumulator.load.getMemRef(),
                                                  accumulator.load.getIndices());
  Value stored = accumulator.store.getValueToStore();
  auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
      rewriter, initial, /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument>) { return SmallVector<Value>{stored}; }));
  Value carried = newLoop.getRegionIterArgs().back();
  rewriter.replaceOp(accumulator.load, carried);
  rewriter.setInsertionPointAfter(newLoop);
  rewriter.create<memref::StoreOp>(accumulator.store.getLoc(), newLoop.getResults().back(),
                                   accumulator.store.getMemRef(), accumulator.store.getIndices());
  rewriter.eraseOp(accumulator.store);
  return newLoop;
}

struct AccumulateInRegistersPass
    : public sweep::impl::AccumulateInRegistersBase<AccumulateInRegistersPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); }); // Inner loops first.
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops)
      while (std::optional<Accumulator> accumulator = findAccumulator(loop))
        loop = carry(loop, *accumulator, rewriter);
  }
};
} // namespace
