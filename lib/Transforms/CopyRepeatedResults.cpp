//===- CopyRepeatedResults.cpp - one buffer per function result -----------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace sweep {
#define GEN_PASS_DEF_COPYREPEATEDRESULTS
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
struct CopyRepeatedResultsPass
    : public sweep::impl::CopyRepeatedResultsBase<CopyRepeatedResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || seen.insert(value).second)
          continue;
        // The copy's sizes are the source's.
        auto copy =
            builder.create<bufferization::AllocTensorOp>(ret.getLoc(), type, ValueRange(), value);
        operand.set(copy);
      }
    });
  }
};
} // namespace
