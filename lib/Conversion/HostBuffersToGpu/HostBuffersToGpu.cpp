//===- HostBuffersToGpu.cpp - host buffers become device memory -----------===//
//
// The GPU pipeline's host functions keep what bufferization gave them:
// memref.alloc, memref.copy and memref.dealloc of host memory, between the
// launches of kernels that read and write those buffers. On a GPU they must
// be device memory, so each becomes its gpu counterpart. Only ops that touch
// a buffer's metadata (casts, dims, views) or hand it to a kernel may remain;
// anything else reading or writing the contents on the host is an error.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace sweep {
#define GEN_PASS_DEF_CONVERTHOSTBUFFERSTOGPU
#include "lib/Conversion/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// Whether `op` may use a device buffer on the host: it reads or writes no
/// element of it.
bool touchesOnlyMetadata(Operation *op) {
  return isa<memref::CastOp, memref::DimOp, gpu::LaunchFuncOp, gpu::AllocOp, gpu::DeallocOp,
             gpu::MemcpyOp, func::ReturnOp, ViewLikeOpInterface>(op);
}

/// Replaces the host ops on buffers in `function` with their gpu
/// counterparts; fails at the first op that would touch contents.
LogicalResult convertFunction(func::FuncOp function) {
  SmallVector<Operation *> ops;
  function.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : ops) {
    OpBuilder b(op);
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      auto replacement = b.create<gpu::AllocOp>(
          alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(), /*asyncDependencies=*/ValueRange(),
          alloc.getDynamicSizes(), alloc.getSymbolOperands(), /*hostShared=*/false);
      alloc.replaceAllUsesWith(replacement.getMemref());
      alloc.erase();
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      b.create<gpu::DeallocOp>(dealloc.getLoc(), /*asyncToken=*/Type(), ValueRange(),
                               dealloc.getMemref());
      dealloc.erase();
    } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      b.create<gpu::MemcpyOp>(copy.getLoc(), /*asyncToken=*/Type(), ValueRange(),
                              copy.getTarget(), copy.getSource());
      copy.erase();
    } else if (!touchesOnlyMetadata(op) &&
               llvm::any_of(op->getOperandTypes(), llvm::IsaPred<MemRefType>)) {
      return op->emitOpError("reads or writes a buffer on the host, which is device memory "
                             "on a GPU; only kernels may");
    }
  }
  return success();
}

struct ConvertHostBuffersToGpuPass
    : public sweep::impl::ConvertHostBuffersToGpuBase<ConvertHostBuffersToGpuPass> {
  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>())
      if (!function.isExternal() && failed(convertFunction(function)))
        return signalPassFailure();
  }
};
} // namespace
