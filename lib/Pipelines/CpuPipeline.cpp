//===- CpuPipeline.cpp - train IR to the LLVM dialect for the CPU ---------===//
//
// Built from pass constructors rather than a textual pipeline: a textual
// pipeline wrapped in builtin.module(...) silently nests and does nothing
// (shared/notes/mlir19-debian.md).
//
//===----------------------------------------------------------------------===//

#include "lib/Pipelines/CpuPipeline.h"

#include "lib/Conversion/Passes.h"
#include "lib/Pipelines/GpuPipeline.h"
#include "lib/Pipelines/TrainToBuffers.h"
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
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void sweep::buildCpuPipeline(OpPassManager &pm, CpuStage until, bool energyProbes,
                             CpuLoops loops) {
  addTrainPasses(pm, energyProbes);
  if (until == CpuStage::Autodiff)
    return;
  addLinalgPasses(pm, energyProbes);
  if (until == CpuStage::Linalg)
    return;
  addBufferizationPasses(pm);
  if (loops == CpuLoops::KernelCalls) {
    // Generics that name a library_call (the dense products) become calls to
    // the runtime's register-blocked kernels; the rest become loops.
    pm.addPass(createConvertLinalgToKernelCalls());
    // Once the fusions have judged aliasing by buffer: temporaries that
    // never meet share one (Passes.td).
    pm.addPass(createReuseDeadBuffers());
    // A loss's loops over 10 classes, say, vectorized along the rows instead.
    pm.addPass(createLongParallelDimInnermost());
    pm.addPass(createConvertLinalgToLoopsPass());
  } else {
    // The GPU's nests and tiles; convert-scf-to-cf runs each scf.parallel in
    // order, and the tiles' blocks and threads are host loops already.
    addGpuLoopNestPasses(pm, ProductTiles::HostEmulation);
  }
  pm.addPass(createCanonicalizerPass());
  if (until == CpuStage::Loops)
    return;

  addCpuLoopsToLLVMPasses(pm);
}

void sweep::addCpuLoopsToLLVMPasses(OpPassManager &pm) {
  // exp as arithmetic, not a libm call per element: the loops around it can
  // be vectorized, with the interpreter's bits (runtime/kernels/Exp.h).
  pm.addPass(createExpandExp());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // memref.alloc/dealloc call _mlir_memref_to_llvm_alloc/free, not malloc and
  // free: the runtime counts what programs hold (runtime/kernels/ProgramHeap.h).
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  // log, sqrt, fma (and exp on f64) become LLVM intrinsics first: math-to-libm
  // would make every fma of exp32 a call to fmaf. tanh and erf have no LLVM
  // intrinsic and are left for libm (tanhf, erff), as the interpreter calls.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
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
