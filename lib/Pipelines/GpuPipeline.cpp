//===- GpuPipeline.cpp - train IR to PTX kernels for NVIDIA GPUs ----------===//
//
// Built from pass constructors, as the CPU pipeline (a textual pipeline can
// silently nest and do nothing: shared/notes/mlir19-debian.md).
//
//===----------------------------------------------------------------------===//

#include "lib/Pipelines/GpuPipeline.h"

#include "lib/Conversion/Passes.h"
#include "lib/Pipelines/TrainToBuffers.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"

#include <cstdlib>

using namespace mlir;

void sweep::buildGpuPipeline(OpPassManager &pm, GpuStage until, const GpuTarget &target) {
  // No energy probes: on a GPU, NVML's counter is read around the launches.
  addTrainPasses(pm, /*energyProbes=*/false);
  addLinalgPasses(pm, /*energyProbes=*/false);
  addBufferizationPasses(pm);
  addGpuLoopNestPasses(pm, target.tileProducts ? ProductTiles::GpuLaunch : ProductTiles::None);
  // Each outermost scf.parallel mapped to the grid and the block.
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addPass(createParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  // Constants sink into the launches before outlining, or each would become
  // a kernel parameter (LLVM 19's outlining no longer sinks them).
  pm.addPass(createGpuLauchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createNameKernelsAfterModules());
  // One gpu.module, so one NVPTX run, ptxas and fatbinary for the group.
  if (target.kernelModules == GpuTarget::KernelModules::PerGroup)
    pm.addPass(createMergeKernelModules());
  // What stays on the host only allocates, copies and launches: its buffers
  // become device memory.
  pm.addPass(createConvertHostBuffersToGpu());
  if (until == GpuStage::Kernels)
    return;
  addGpuBinaryPasses(pm, target);
}

void sweep::addGpuBinaryPasses(OpPassManager &pm, const GpuTarget &target) {
  // The allocations, copies and launches of each host function in order on
  // one stream (async tokens), which gpu-to-llvm turns into mgpu* calls.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());

  // To the NVVM and LLVM dialects: the kernels (gpu.module) through NVVM,
  // the host code through gpu-to-llvm; then each gpu.module is serialized
  // by LLVM's NVPTX back end, linked with the toolkit's libdevice, to PTX
  // text (the order of upstream's gpu-lower-to-nvvm-pipeline, with the
  // toolkit named instead of looked up in the environment).
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions attach;
  attach.chip = target.chip;
  attach.features = target.features;
  attach.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(attach));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createStripDebugInfoPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = target.toolkit;
  binary.compilationTarget = target.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void sweep::addGpuLoopNestPasses(OpPassManager &pm, ProductTiles tiles) {
  // Products first, while they are still generics (docs/architecture.md,
  // "Kernel strategy": which products are tiled and why).
  if (tiles != ProductTiles::None) {
    TileProductsInSharedMemoryOptions tileOptions;
    tileOptions.hostEmulation = tiles == ProductTiles::HostEmulation;
    pm.addPass(createTileProductsInSharedMemory(tileOptions));
  }
  // Once the product tiles have judged aliasing by buffer, and while the
  // elementwise ops are still generics that may write in place: temporaries
  // that never meet share one buffer (Passes.td).
  pm.addPass(createReuseDeadBuffers());
  // Every output element its own thread; the reductions inside, accumulating
  // in a register.
  pm.addPass(createParallelDimsOutermost());
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createAccumulateInRegisters());
  // Several outputs per thread where that shares a load among them.
  pm.addPass(createJamParallelLanes());
  pm.addPass(createCSEPass()); // The lanes' copies of a shared load are one load.
  // One dimension in blocks of 256 threads (Passes.td: one thread per block,
  // and no room for 100,000 runs in the grid's y or z, otherwise).
  // No canonicalization until the loops are mapped: it would merge the tile
  // loop into the loop over tiles, and both would go to the grid.
  pm.addPass(createFlattenParallelLoops());
}

std::string sweep::defaultCudaToolkit() {
  for (const char *name : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (const char *path = std::getenv(name); path && *path)
      return path;
  return "/usr/local/cuda";
}

std::string sweep::defaultGpuFormat(const std::string &toolkit) {
  bool tools = llvm::sys::fs::can_execute(toolkit + "/bin/ptxas") &&
               llvm::sys::fs::can_execute(toolkit + "/bin/fatbinary");
  return tools ? "fatbin" : "isa";
}

std::string sweep::findLibdevice(const std::string &toolkit, std::string &why) {
  std::string path = toolkit + "/nvvm/libdevice/libdevice.10.bc";
  if (llvm::sys::fs::exists(path))
    return path;
  why = "no CUDA libdevice at " + path +
        " (the kernels' math functions come from it): set CUDA_HOME to a CUDA toolkit";
  return "";
}

void sweep::registerGpuPipeline() {
  PassPipelineRegistration<>("sweep-gpu-pipeline",
                             "train IR to PTX kernels for NVIDIA GPUs (sweepc -emit=ptx)",
                             [](OpPassManager &pm) {
                               GpuTarget target;
                               target.toolkit = defaultCudaToolkit();
                               buildGpuPipeline(pm, GpuStage::Ptx, target);
                             });
}
