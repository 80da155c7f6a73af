//===- GpuPipeline.h - train IR to PTX kernels for NVIDIA GPUs --*- C++ -*-===//
//
// The GPU pipeline (issue 7): the same bufferized linalg as the CPU's
// (TrainToBuffers.h), every generic (the dense products included, as loop
// nests) turned into scf.parallel loops with the parallel dimensions outermost,
// reductions accumulating in registers and up to four outputs per thread
// (addGpuLoopNestPasses), mapped to blocks and threads, outlined into one
// kernel each, and compiled through the NVVM dialect and LLVM's NVPTX back end
// to PTX (or a fatbinary with ptxas's cubin) for `target.chip`. Register-tiled,
// not shared-memory tiled. The host functions keep only allocations, copies
// and launches, on device memory (gpu.alloc, gpu.memcpy), lowered to calls of
// the mgpu* functions runtime/cuda/GpuRuntime.h provides. `sweepc
// -emit=gpu|ptx` prints the stages.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_PIPELINES_GPUPIPELINE_H
#define SWEEP_LIB_PIPELINES_GPUPIPELINE_H

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace sweep {

/// Where the GPU pipeline stops, in order.
enum class GpuStage {
  Kernels, // gpu.launch_func of outlined gpu.func kernels, host buffers as gpu.alloc
  Ptx,     // a gpu.binary holding the kernels' PTX, host code in the LLVM dialect
};

/// The NVPTX target: the chip (sm_90 for Hopper), PTX ISA features, and
/// the CUDA toolkit whose libdevice (nvvm/libdevice/libdevice.10.bc) gives
/// the kernels their math functions (expf, tanhf, erff, ...).
struct GpuTarget {
  std::string chip = "sm_90";
  std::string features = "+ptx80";
  std::string toolkit;
  /// What each kernel module becomes: "isa", PTX text (the driver compiles
  /// it when it loads the module); or "fatbin", the toolkit's ptxas's cubin
  /// for `chip` and the PTX in one fatbinary (no compile at load on `chip`,
  /// the PTX for newer GPUs).
  std::string format = "isa";
  /// Products of large enough sides as shared-memory tiled kernels
  /// (tile-products-in-shared-memory); false keeps every product a loop nest
  /// (`--gpu-products=nests`, to measure what the tiles give).
  bool tileProducts = true;
  /// One gpu.module for all of a group's kernels (merge-kernel-modules: one
  /// NVPTX run, ptxas and fatbinary), or one per kernel as outlined
  /// (`--gpu-kernel-modules=kernel`, to measure what merging saves).
  enum class KernelModules { PerGroup, PerKernel } kernelModules = KernelModules::PerGroup;
};

/// "fatbin" when `toolkit` has ptxas and fatbinary, else "isa".
std::string defaultGpuFormat(const std::string &toolkit);

/// The CUDA toolkit to compile with: $CUDA_ROOT, $CUDA_HOME or $CUDA_PATH,
/// the first set, else /usr/local/cuda.
std::string defaultCudaToolkit();

/// The libdevice of `toolkit`, or "" with `why` when it is not there.
std::string findLibdevice(const std::string &toolkit, std::string &why);

/// Stops after `until`. With GpuStage::Ptx the target's toolkit must hold
/// libdevice (findLibdevice): without it the PTX would call functions that
/// nothing defines.
void buildGpuPipeline(mlir::OpPassManager &pm, GpuStage until, const GpuTarget &target);

/// The rest of the pipeline after GpuStage::Kernels: each kernel's module to
/// PTX (or a fatbinary) for `target`, the host code to the LLVM dialect.
/// buildGpuPipeline(Ptx) is buildGpuPipeline(Kernels) and these; the GPU JIT
/// runs them apart, since its compile cache's key is taken in between.
void addGpuBinaryPasses(mlir::OpPassManager &pm, const GpuTarget &target);

/// Where the products' shared-memory tiles run (tile-products-in-shared-memory).
enum class ProductTiles {
  GpuLaunch,     // gpu.launch kernels with workgroup buffers and barriers
  HostEmulation, // the same kernels as host loops over blocks and threads
  None,          // no tiles: every product a loop nest
};

/// The GPU's kernels, before the loop nests' mapping to blocks and threads:
/// products of large enough sides as shared-memory tiled kernels, every other
/// generic on bufferized memrefs as one scf.parallel over its parallel
/// dimensions, reductions as scf.for inside. The CPU pipeline can run the
/// same nests and tiles (CpuLoops::GpuLoopNests, ProductTiles::HostEmulation),
/// so that the differential tests check their indexing against the
/// interpreter on machines without a GPU.
void addGpuLoopNestPasses(mlir::OpPassManager &pm, ProductTiles tiles);

/// Registers the pipeline as `sweep-gpu-pipeline` for sweep-opt.
void registerGpuPipeline();

} // namespace sweep

#endif // SWEEP_LIB_PIPELINES_GPUPIPELINE_H
