//===- LinalgToKernelCalls.cpp - linalg ops that name a sweep kernel ------===//

#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace sweep {
#define GEN_PASS_DEF_CONVERTLINALGTOKERNELCALLS
#include "lib/Conversion/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// The memref with dynamic sizes, strides and offset: one kernel signature
/// per rank, whatever the layer's shape.
MemRefType dynamicStrided(MemRefType type) {
  SmallVector<int64_t> dynamic(type.getRank(), ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, type.getElementType(), layout, type.getMemorySpace());
}

struct ConvertLinalgToKernelCallsPass
    : public sweep::impl::ConvertLinalgToKernelCallsBase<ConvertLinalgToKernelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::GenericOp> calls;
    module.walk([&](linalg::GenericOp op) {
      std::optional<StringRef> name = op.getLibraryCall();
      if (name && name->starts_with("sweep_") && op.hasPureBufferSemantics())
        calls.push_back(op);
    });
    for (linalg::GenericOp op : calls) {
      OpBuilder b(op);
      SmallVector<Value> operands;
      SmallVector<Type> types;
      for (Value operand : op->getOperands()) {
        auto type = dynamicStrided(cast<MemRefType>(operand.getType()));
        operands.push_back(b.create<memref::CastOp>(op.getLoc(), type, operand));
        types.push_back(type);
      }
      StringRef name = *op.getLibraryCall();
      auto fnType = b.getFunctionType(types, {});
      auto callee = module.lookupSymbol<func::FuncOp>(name);
      if (callee && callee.getFunctionType() != fnType) {
        op.emitOpError("kernel '") << name << "' is called with operands of other ranks";
        return signalPassFailure();
      }
      if (!callee) {
        OpBuilder top(module.getBodyRegion());
        callee = top.create<func::FuncOp>(op.getLoc(), name, fnType);
        callee.setPrivate();
        callee->setAttr("llvm.emit_c_interface", top.getUnitAttr());
      }
      b.create<func::CallOp>(op.getLoc(), callee, operands);
      op.erase();
    }
  }
};
} // namespace
