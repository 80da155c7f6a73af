//===- FlattenParallelLoops.cpp - GPU loop nests in blocks of threads -----===//
//
// See Passes.td. Both steps are upstream utilities (collapseParallelLoops,
// tileParallelLoop); this pass only picks the loops and the shape.
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

#include <numeric>

namespace sweep {
#define GEN_PASS_DEF_FLATTENPARALLELLOOPS
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
struct FlattenParallelLoopsPass
    : public sweep::impl::FlattenParallelLoopsBase<FlattenParallelLoopsPass> {
  using FlattenParallelLoopsBase::FlattenParallelLoopsBase;

  void runOnOperation() override {
    if (threadsPerBlock < 1) {
      getOperation().emitError("flatten-parallel-loops: threads-per-block must be at least 1");
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        outermost.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : outermost) {
      unsigned rank = loop.getNumLoops();
      if (rank > 1) {
        std::vector<unsigned> all(rank);
        std::iota(all.begin(), all.end(), 0u);
        rewriter.setInsertionPoint(loop);
        collapseParallelLoops(rewriter, loop, {all});
      }
    }
    // Collapsing replaced the loops: tile what is outermost now.
    outermost.clear();
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost)
      scf::tileParallelLoop(loop, {int64_t(threadsPerBlock)}, /*noMinMaxBounds=*/true);
  }
};
} // namespace
