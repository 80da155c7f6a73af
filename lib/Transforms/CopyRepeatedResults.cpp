//===- CopyRepeatedResults.cpp - one buffer per function result -----------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace sweep {
#define GEN_PASS_DEF_COPYREPEATEDRESULTS
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// A copy of `value` (a ranked tensor or memref) with its own storage; null
/// for other types.
Value copyOf(OpBuilder &builder, Location loc, Value value) {
  if (auto type = dyn_cast<RankedTensorType>(value.getType()))
    // The copy's sizes are the source's.
    return builder.create<bufferization::AllocTensorOp>(loc, type, ValueRange(), value);
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type)
    return nullptr;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(builder.create<memref::DimOp>(loc, value, d));
  auto allocType = MemRefType::get(type.getShape(), type.getElementType(),
                                   MemRefLayoutAttrInterface(), type.getMemorySpace());
  // A strided result gets a contiguous copy cast back to its type; where no
  // cast can (a layout a fresh buffer cannot have), it stays as it is.
  if (allocType != type && !memref::CastOp::areCastCompatible(allocType, type))
    return nullptr;
  Value copy = builder.create<memref::AllocOp>(loc, allocType, sizes);
  builder.create<memref::CopyOp>(loc, value, copy);
  if (allocType != type)
    return builder.create<memref::CastOp>(loc, type, copy);
  return copy;
}

struct CopyRepeatedResultsPass
    : public sweep::impl::CopyRepeatedResultsBase<CopyRepeatedResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        // A block argument returned (a function returning its own input, or
        // one bufferization wrote in place) has no defining op, which
        // buffer-results-to-out-params with hoisted allocations dereferences
        // (MLIR 19): copied too.
        bool repeated = !seen.insert(value).second;
        if (!repeated && !isa<BlockArgument>(value))
          continue;
        if (Value copy = copyOf(builder, ret.getLoc(), value))
          operand.set(copy);
      }
    });
  }
};
} // namespace
