//===- NameKernelsAfterModules.cpp - one name per GPU kernel --------------===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace sweep {
#define GEN_PASS_DEF_NAMEKERNELSAFTERMODULES
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
struct NameKernelsAfterModulesPass
    : public sweep::impl::NameKernelsAfterModulesBase<NameKernelsAfterModulesPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    for (auto kernels : top.getOps<gpu::GPUModuleOp>()) {
      StringAttr moduleName = kernels.getSymNameAttr();
      // Outlining makes a module per kernel. A module of several kernels (or
      // one where the name is taken) keeps its names: one name for all
      // redefined a symbol.
      auto functions = kernels.getOps<gpu::GPUFuncOp>();
      if (llvm::count_if(functions, [](gpu::GPUFuncOp f) { return f.isKernel(); }) != 1)
        continue;
      if (Operation *taken = SymbolTable::lookupSymbolIn(kernels, moduleName))
        if (!isa<gpu::GPUFuncOp>(taken) || !cast<gpu::GPUFuncOp>(taken).isKernel())
          continue;
      for (auto function : llvm::make_early_inc_range(functions)) {
        if (!function.isKernel() || function.getNameAttr() == moduleName)
          continue;
        // Launches name the kernel as @module::@kernel: rewrite their leaf.
        SymbolRefAttr oldRef = SymbolRefAttr::get(
            moduleName, llvm::ArrayRef<FlatSymbolRefAttr>{
                            FlatSymbolRefAttr::get(function.getNameAttr())});
        SymbolRefAttr newRef = SymbolRefAttr::get(
            moduleName, llvm::ArrayRef<FlatSymbolRefAttr>{FlatSymbolRefAttr::get(moduleName)});
        top.walk([&](gpu::LaunchFuncOp launch) {
          if (launch.getKernel() == oldRef)
            launch.setKernelAttr(newRef);
        });
        function.setName(moduleName.getValue());
      }
    }
  }
};
} // namespace
