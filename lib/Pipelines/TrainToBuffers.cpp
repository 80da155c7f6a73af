//===- TrainToBuffers.cpp - the pipeline's half both targets share --------===//

#include "lib/Pipelines/TrainToBuffers.h"

#include "lib/Conversion/Passes.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void sweep::addTrainPasses(OpPassManager &pm, bool energyProbes) {
  pm.addPass(createTrainFuse());
  pm.addPass(createTrainAutodiff());
  // Each phase in an energy.region with its static cost, then a probe call
  // per region and the module's table of phases (runtime/energy).
  if (energyProbes)
    pm.addPass(createEnergyInsertProbes());
}

void sweep::addLinalgPasses(OpPassManager &pm, bool energyProbes) {
  if (energyProbes)
    pm.addPass(createConvertEnergyToProbeCalls());
  pm.addPass(createConvertTrainToLinalg());
  // Gradients summed over fan-out are arith.addf on tensors.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // CSE's one zero fill for all input gradients, one per gradient again;
  // and its one empty tensor for all destinations of a shape (a quadratic
  // bufferization analysis otherwise).
  pm.addPass(createSplitSharedFills());
  pm.addPass(createSplitSharedEmpties());
}

void sweep::addBufferizationPasses(OpPassManager &pm) {
  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(bufferization::LayoutMapOption::IdentityLayoutMap);
  pm.addPass(createCopyRepeatedResults());
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  // An argument written in place and returned (a hand-written function's).
  pm.addPass(createCopyRepeatedResults());
  // A result whose buffer has a static shape (every parameter and optimizer
  // state) is computed straight into the caller's buffer, not into a fresh
  // allocation copied out at the end of each step.
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
}
