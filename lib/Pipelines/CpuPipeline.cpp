//===- CpuPipeline.cpp - train IR to the LLVM dialect for the CPU ---------===//
//
// Built from pass constructors rather than a textual pipeline: a textual
// pipeline wrapped in builtin.module(...) silently nests and does nothing
// (shared/notes/mlir19-debian.md).
//
//===----------------------------------------------------------------------===//

#include "lib/Pipelines/CpuPipeline.h"

#include "lib/Conversion/Passes.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void sweep::buildCpuPipeline(OpPassManager &pm, CpuStage until, bool energyProbes) {
  pm.addPass(createTrainFuse());
  pm.addPass(createTrainAutodiff());
  // Each phase in an energy.region with its static cost, then a probe call
  // per region and the module's table of phases (runtime/energy).
  if (energyProbes)
    pm.addPass(createEnergyInsertProbes());
  if (until == CpuStage::Autodiff)
    return;
  if (energyProbes)
    pm.addPass(createConvertEnergyToProbeCalls());
  pm.addPass(createConvertTrainToLinalg());
  // Gradients summed over fan-out are arith.addf on tensors.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // CSE's one zero fill for all input gradients, one per gradient again.
  pm.addPass(createSplitSharedFills());
  if (until == CpuStage::Linalg)
    return;

  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(bufferization::LayoutMapOption::IdentityLayoutMap);
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  // A result whose buffer has a static shape (every parameter and optimizer
  // state) is computed straight into the caller's buffer, not into a fresh
  // allocation copied out at the end of each step.
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  // Generics that name a library_call (the dense products) become calls to
  // the runtime's register-blocked kernels; the rest become loops.
  pm.addPass(createConvertLinalgToKernelCalls());
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  if (until == CpuStage::Loops)
    return;

  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // tanh and erf have no LLVM intrinsic: call libm (tanhf, erff), as the
  // interpreter does. exp, log and sqrt become LLVM intrinsics.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void sweep::registerCpuPipeline() {
  PassPipelineRegistration<>("sweep-cpu-pipeline",
                             "train IR to the LLVM dialect for the CPU (sweepc's pipeline)",
                             [](OpPassManager &pm) { buildCpuPipeline(pm, CpuStage::LLVM); });
}
