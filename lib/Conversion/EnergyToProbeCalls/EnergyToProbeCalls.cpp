//===- EnergyToProbeCalls.cpp - energy regions to runtime probe calls -----===//
//
// Each energy.region becomes one call `sweep_energy_probe(index)` followed by
// its inlined body, and its phase and static cost become entry `index` of the
// module's `energy.phases` table. At run time a probe only increments a
// counter (runtime/energy/Probes.h): the meters are read per window of many
// steps and the window's joules split by counter x cost, which keeps the
// overhead far below a kernel's cost.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"

#include "dialects/energy/EnergyOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace sweep {
#define GEN_PASS_DEF_CONVERTENERGYTOPROBECALLS
#include "lib/Conversion/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
struct ConvertEnergyToProbeCallsPass
    : public sweep::impl::ConvertEnergyToProbeCallsBase<ConvertEnergyToProbeCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<sweep::energy::RegionOp> regions;
    module.walk([&](sweep::energy::RegionOp op) { regions.push_back(op); });
    if (regions.empty())
      return;
    MLIRContext *context = module.getContext();
    OpBuilder top(module.getBodyRegion());
    auto i64 = IntegerType::get(context, 64);
    auto probe = module.lookupSymbol<func::FuncOp>(sweep::kEnergyProbeFunction);
    if (!probe) {
      probe = top.create<func::FuncOp>(module.getLoc(), sweep::kEnergyProbeFunction,
                                       top.getFunctionType({i64}, {}));
      probe.setPrivate();
    }
    SmallVector<Attribute> table;
    if (auto existing = module->getAttrOfType<ArrayAttr>(sweep::kEnergyPhasesAttr))
      table.assign(existing.begin(), existing.end());
    for (sweep::energy::RegionOp region : regions) {
      // The phase table names each region's function (a region directly in
      // the module, or in an llvm.func, crashed here).
      auto function = region->getParentOfType<func::FuncOp>();
      if (!function) {
        region.emitOpError("convert-energy-to-probe-calls: a phase must be inside a func.func, "
                           "whose name the phase table records");
        return signalPassFailure();
      }
      NamedAttribute entry[] = {
          {StringAttr::get(context, "function"), StringAttr::get(context, function.getName())},
          {StringAttr::get(context, "phase"), region.getPhaseAttr()},
          {StringAttr::get(context, "flops"), region.getFlopsAttr()},
          {StringAttr::get(context, "bytes"), region.getBytesAttr()}};
      OpBuilder b(region);
      Value index = b.create<arith::ConstantOp>(region.getLoc(), i64,
                                                b.getI64IntegerAttr(int64_t(table.size())));
      b.create<func::CallOp>(region.getLoc(), probe, ValueRange{index});
      table.push_back(DictionaryAttr::get(context, entry));
      // Inline the body before the region; its yield becomes the results.
      Block &body = region.getBody().front();
      auto yield = cast<sweep::energy::YieldOp>(body.getTerminator());
      for (auto [result, value] : llvm::zip(region.getResults(), yield.getValues()))
        result.replaceAllUsesWith(value);
      yield.erase();
      region->getBlock()->getOperations().splice(Block::iterator(region), body.getOperations());
      region.erase();
    }
    module->setAttr(sweep::kEnergyPhasesAttr, ArrayAttr::get(context, table));
  }
};
} // namespace
