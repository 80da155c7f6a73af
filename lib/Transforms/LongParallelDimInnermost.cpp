//===- LongParallelDimInnermost.cpp - vector lanes from the long loop -----===//
//
// The CPU's elementwise and reduction loops are vectorized by LLVM along
// their innermost loop. When that loop is a short static one (the classes of
// a loss) and a longer parallel loop sits outside it (the rows of the
// minibatch), interchanging the two gives LLVM a loop it vectorizes
// (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace sweep {
#define GEN_PASS_DEF_LONGPARALLELDIMINNERMOST
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// The loop order with the last long parallel loop moved innermost, or
/// nothing when the innermost loop is long already or no loop qualifies.
std::optional<SmallVector<unsigned>> longParallelInnermost(linalg::GenericOp op, int64_t shortest) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned loops = ranges.size();
  if (loops < 2 || ShapedType::isDynamic(ranges.back()) || ranges.back() >= shortest)
    return std::nullopt;
  auto isLong = [&](int64_t range) { return ShapedType::isDynamic(range) || range >= shortest; };
  for (unsigned d = loops - 1; d-- > 0;) {
    if (iterators[d] != utils::IteratorType::parallel || !isLong(ranges[d]))
      continue;
    SmallVector<unsigned> order;
    for (unsigned e = 0; e < loops; ++e)
      if (e != d)
        order.push_back(e);
    order.push_back(d);
    return order;
  }
  return std::nullopt;
}

struct LongParallelDimInnermostPass
    : public sweep::impl::LongParallelDimInnermostBase<LongParallelDimInnermostPass> {
  using LongParallelDimInnermostBase::LongParallelDimInnermostBase;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics) {
      std::optional<SmallVector<unsigned>> order = longParallelInnermost(op, shortest);
      if (!order)
        continue;
      rewriter.setInsertionPoint(op);
      if (failed(linalg::interchangeGenericOp(rewriter, op, *order))) {
        op.emitOpError("cannot interchange its loops to put a long parallel one innermost");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
