//===- CpuPipeline.h - train IR to the LLVM dialect for the CPU -*- C++ -*-===//

#ifndef SWEEP_LIB_PIPELINES_CPUPIPELINE_H
#define SWEEP_LIB_PIPELINES_CPUPIPELINE_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace sweep {

/// Where the CPU pipeline stops, in order (`sweepc -emit=` prints each).
enum class CpuStage {
  Autodiff, // train ops, activations fused, gradients explicit
  Linalg,   // linalg.generic on tensors
  Loops,    // bufferized memrefs and scf loops
  LLVM,     // the LLVM dialect, ready for translation and JIT
};

/// How the generics become code.
enum class CpuLoops {
  KernelCalls,  // the dense products as calls of runtime/kernels, the rest as scf.for
  GpuLoopNests, // every generic as the GPU pipeline's loop nest, run in order here
};

/// train-fuse, train-autodiff, convert-train-to-linalg, one-shot bufferization (results
/// become out-parameters), linalg to loops, and the conversions to the LLVM
/// dialect, stopping after `until`.
/// Without `energyProbes` the phases get no energy regions and no probe
/// calls (what `sweepc run --energy=off` compiles, to measure their overhead).
/// `loops` chooses how the generics become code (CpuLoops).
void buildCpuPipeline(mlir::OpPassManager &pm, CpuStage until, bool energyProbes = true,
                      CpuLoops loops = CpuLoops::KernelCalls);

/// The last stage: scf loops on memrefs to the LLVM dialect (f32 exp spelled
/// out as runtime/kernels/Exp.h computes it, the math ops the LLVM intrinsics
/// or libm calls the interpreter's arithmetic needs).
void addCpuLoopsToLLVMPasses(mlir::OpPassManager &pm);

/// Registers the pipeline as `sweep-cpu-pipeline` for sweep-opt.
void registerCpuPipeline();

} // namespace sweep

#endif // SWEEP_LIB_PIPELINES_CPUPIPELINE_H
