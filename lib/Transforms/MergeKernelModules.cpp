//===- MergeKernelModules.cpp - one gpu.module for all of a group's kernels ===//

#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/DenseMap.h"

namespace sweep {
#define GEN_PASS_DEF_MERGEKERNELMODULES
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// A module's attributes but its name: what must agree for two modules to
/// become one (targets, offloading handler).
NamedAttrList attributesButName(gpu::GPUModuleOp module) {
  NamedAttrList attributes(module->getAttrDictionary());
  attributes.erase(SymbolTable::getSymbolAttrName());
  return attributes;
}

SymbolRefAttr nested(StringAttr module, StringAttr symbol) {
  return SymbolRefAttr::get(module, {FlatSymbolRefAttr::get(symbol)});
}

struct MergeKernelModulesPass : public sweep::impl::MergeKernelModulesBase<MergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    auto modules = llvm::to_vector(top.getOps<gpu::GPUModuleOp>());
    if (modules.size() < 2)
      return;
    NamedAttrList shared = attributesButName(modules.front());
    for (gpu::GPUModuleOp module : modules)
      if (attributesButName(module) != shared)
        return;

    OpBuilder builder(&getContext());
    auto merged = builder.create<gpu::GPUModuleOp>(modules.front().getLoc(), "kernels");
    for (const NamedAttribute &attribute : shared)
      merged->setAttr(attribute.getName(), attribute.getValue());
    SymbolTable topSymbols(top);
    topSymbols.insert(merged, Block::iterator(modules.front())); // Renamed if taken.
    SymbolTable mergedSymbols(merged);

    llvm::DenseMap<Attribute, SymbolRefAttr> moved; // @old::@name -> @kernels::@name'
    for (gpu::GPUModuleOp module : modules) {
      SymbolTable moduleSymbols(module);
      for (Operation &op : llvm::make_early_inc_range(module.getBody()->without_terminator())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol)
          continue;
        StringAttr name = symbol.getNameAttr();
        SymbolRefAttr from = nested(module.getSymNameAttr(), name);
        if (mergedSymbols.lookup(name)) {
          // Renamed in its old module, whose uses of it follow.
          FailureOr<StringAttr> unique = moduleSymbols.renameToUnique(name, {&mergedSymbols});
          if (failed(unique)) {
            op.emitError("cannot give this symbol a name unique among the group's kernels");
            return signalPassFailure();
          }
          name = *unique;
        }
        moved[from] = nested(merged.getSymNameAttr(), name);
      }
      for (Operation &op : llvm::make_early_inc_range(module.getBody()->without_terminator())) {
        op.remove();
        if (isa<SymbolOpInterface>(op))
          mergedSymbols.insert(&op); // Unique already: not renamed again.
        else
          merged.getBody()->getOperations().insert(merged.getBody()->getTerminator()->getIterator(),
                                                   &op);
      }
    }
    top.walk([&](gpu::LaunchFuncOp launch) {
      if (SymbolRefAttr to = moved.lookup(launch.getKernel()))
        launch.setKernelAttr(to);
    });
    for (gpu::GPUModuleOp module : modules) {
      topSymbols.erase(module);
    }
  }
};
} // namespace
