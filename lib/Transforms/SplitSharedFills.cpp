//===- SplitSharedFills.cpp - one fill per destination ---------------------===//
//
// Undoes, for fills only, what CSE does to the zero starts of the input
// gradients: a fill shared by several destinations bufferizes to one buffer
// and a copy per destination, and neither the copy nor the distance between
// fill and product lets the product start from zero in its own kernel. A
// fill of a tensor.empty costs no more than the copy it replaces, and when it
// sits right before its product the kernel-call fusion removes it.
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace sweep {
#define GEN_PASS_DEF_SPLITSHAREDFILLS
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// Whether `use` is the destination of an op in the fill's block.
bool isDestinationInBlock(OpOperand &use, linalg::FillOp fill) {
  auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
  return dps && dps.isDpsInit(&use) && use.getOwner()->getBlock() == fill->getBlock();
}

/// Gives each destination use of `fill` its own empty tensor and fill right
/// before the user.
void splitFill(linalg::FillOp fill) {
  auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
  if (!empty || fill->getNumResults() != 1)
    return;
  for (OpOperand &use : llvm::make_early_inc_range(fill->getResult(0).getUses())) {
    if (!isDestinationInBlock(use, fill))
      continue;
    OpBuilder b(use.getOwner());
    IRMapping map;
    map.map(empty.getResult(), b.clone(*empty)->getResult(0));
    use.set(b.clone(*fill, map)->getResult(0));
  }
  if (!fill->use_empty())
    return;
  fill->erase();
  if (empty->use_empty())
    empty->erase();
}

struct SplitSharedFillsPass : public sweep::impl::SplitSharedFillsBase<SplitSharedFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics())
        fills.push_back(fill);
    });
    for (linalg::FillOp fill : fills)
      splitFill(fill);
  }
};
} // namespace
