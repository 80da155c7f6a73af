//===- StaticCosts.cpp - a group's phases and their static cost -----------===//

#include "codegen/cpu/StaticCosts.h"

#include "codegen/cpu/JitCompiler.h"
#include "lib/Conversion/Passes.h"
#include "lib/Pipelines/CpuPipeline.h"
#include "lib/Pipelines/GroupPipeline.h"
#include "lib/Registration/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/raw_ostream.h"

using namespace sweep;

bool sweep::staticPhaseCosts(const GroupSpec &group, int64_t runs, std::vector<PhaseCost> &table,
                             std::string &error) {
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  context.disableMultithreading();
  // The CPU pipeline up to its energy regions (so the same costs as compiled
  // code), and their table.
  std::string diagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerGroup(
      context, group, runs,
      [](mlir::OpPassManager &pm) {
        buildCpuPipeline(pm, CpuStage::Autodiff);
        pm.addPass(createConvertEnergyToProbeCalls());
      },
      diagnostics);
  if (!module) {
    error = "static costs of group '" + group.label + "': " + diagnostics;
    return false;
  }
  table = readPhaseTable(*module);
  return true;
}

WorkCost sweep::groupTrainingWork(const GroupSpec &group, const std::vector<PhaseCost> &table,
                                  int64_t trainSamples, int64_t validationSamples,
                                  int64_t testSamples) {
  auto batches = [&](int64_t samples) {
    return double((samples + group.batch - 1) / std::max<int64_t>(1, group.batch));
  };
  // Regression: the two splits' samples were added before dividing into
  // batches, one batch short where both end in a partial one.
  double evaluations = batches(validationSamples) + batches(testSamples);
  if (validationSamples == 0 && testSamples == 0 && trainSamples > 0)
    evaluations = 1;
  WorkCost work;
  for (const PhaseCost &phase : table) {
    double times = double(group.epochs) *
                   (phase.function == "train_step" ? batches(trainSamples) : evaluations);
    work.flops += phase.cost.flops * times;
    work.bytes += phase.cost.bytes * times;
  }
  return work;
}
