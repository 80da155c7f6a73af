//===- SplitSharedEmpties.cpp - one tensor.empty per destination ----------===//
//
// Undoes, for empty tensors, what CSE does to a deep model's destinations: one
// tensor.empty shared by hundreds of ops makes one alias set of all their
// results, and one-shot bufferization's conflict analysis is quadratic in it
// (Passes.td has the figures).
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace sweep {
#define GEN_PASS_DEF_SPLITSHAREDEMPTIES
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
struct SplitSharedEmptiesPass
    : public sweep::impl::SplitSharedEmptiesBase<SplitSharedEmptiesPass> {
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> empties;
    getOperation().walk([&](tensor::EmptyOp empty) { empties.push_back(empty); });
    for (tensor::EmptyOp empty : empties) {
      SmallVector<OpOperand *> destinations;
      for (OpOperand &use : empty->getUses()) {
        auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (dps && dps.isDpsInit(&use) && use.getOwner()->getBlock() == empty->getBlock())
          destinations.push_back(&use);
      }
      if (destinations.size() < 2)
        continue;
      // In program order (a use list is not): the first keeps the original.
      llvm::sort(destinations, [](OpOperand *a, OpOperand *b) {
        return a->getOwner() != b->getOwner() && a->getOwner()->isBeforeInBlock(b->getOwner());
      });
      // Each clone where the original is, not at its user: the buffer then
      // exists before the ops ahead of its user, as the shared one did, and
      // the GPU's product tiles can absorb an epilogue that writes it
      // (ProductFusion.h: no operand created after the product).
      // reuse-dead-buffers judges lifetimes by use, not by allocation.
      OpBuilder builder(empty->getContext());
      builder.setInsertionPointAfter(empty);
      for (OpOperand *use : llvm::drop_begin(destinations))
        use->set(builder.clone(*empty)->getResult(0));
    }
  }
};
} // namespace
