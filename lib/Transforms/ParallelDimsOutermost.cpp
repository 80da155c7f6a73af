//===- ParallelDimsOutermost.cpp - parallel loops before reductions -------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace sweep {
#define GEN_PASS_DEF_PARALLELDIMSOUTERMOST
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
struct ParallelDimsOutermostPass
    : public sweep::impl::ParallelDimsOutermostBase<ParallelDimsOutermostPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      SmallVector<unsigned> order;
      for (unsigned d = 0; d < iterators.size(); ++d)
        if (iterators[d] == utils::IteratorType::parallel)
          order.push_back(d);
      for (unsigned d = 0; d < iterators.size(); ++d)
        if (iterators[d] != utils::IteratorType::parallel)
          order.push_back(d);
      bool identity = true;
      for (unsigned d = 0; d < order.size(); ++d)
        identity &= order[d] == d;
      if (identity)
        continue;
      rewriter.setInsertionPoint(op);
      if (failed(linalg::interchangeGenericOp(rewriter, op, order))) {
        op.emitOpError("cannot interchange its loops to put the parallel ones first");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
