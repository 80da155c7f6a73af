//===- GpuJit.h - a run group compiled for an NVIDIA GPU --------*- C++ -*-===//
//
// The GPU pipeline (lib/Pipelines/GpuPipeline.h) turns a group into kernels in
// PTX, embedded in host code that launches them through the mgpu* functions
// (runtime/cuda/GpuRuntime.h); MLIR's ExecutionEngine JIT-compiles the host
// code for this CPU, resolving those functions to sweepc's runtime. The entry
// points take MLIR's packed arguments like the CPU's (codegen/cpu/JitCompiler.h),
// with every memref in device memory. Nothing here touches the GPU: the
// kernels' modules are loaded at their first launch, on the runtime opened
// by then (GpuRuntime::open).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_GPUJIT_H
#define SWEEP_CODEGEN_NVPTX_GPUJIT_H

#include "lib/Pipelines/GpuPipeline.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/SweepJob.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir
namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace sweep {

class CompileCache;

class GpuCompiledGroup : public GroupCode {
public:
  ~GpuCompiledGroup() override;
  /// Calls @train_step / @evaluate with packed arguments (device memrefs).
  void trainStep(void **args) const override { trainStepFn(args); }
  void evaluate(void **args) const override { evaluateFn(args); }
  /// The static phase costs (codegen/cpu/StaticCosts.h), counted per call:
  /// kernels cannot call the host's probes.
  const std::vector<PhaseCost> &phases() const override { return phaseTable; }
  bool countsCalls() const override { return true; }
  bool sumsRows() const override { return true; }
  /// Wall-clock seconds MLIRGen, the pipeline, PTX and the JIT took.
  double compileSeconds() const { return seconds; }
  /// Kernels in the group's PTX.
  size_t kernelCount() const { return kernels; }

  /// Whether the host code and its kernels came from the compile cache.
  bool fromCompileCache() const override { return loadedObject != nullptr; }

  /// Compiles `group` for `runs` runs for `target`; on failure sets `error`
  /// (a missing libdevice is one). With a `cache` the code (host code with
  /// the kernels embedded) is loaded from it when it holds the same code, and
  /// stored in it when it does not (codegen/cpu/CompileCache.h).
  static std::unique_ptr<GpuCompiledGroup> compile(const GroupSpec &group, int64_t runs,
                                                   const GpuTarget &target, std::string &error,
                                                   CompileCache *cache = nullptr);

private:
  GpuCompiledGroup() = default;
  // A freshly compiled engine, or a JIT that loaded the compile cache's object.
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::unique_ptr<llvm::orc::LLJIT> loadedObject;
  void (*trainStepFn)(void **) = nullptr;
  void (*evaluateFn)(void **) = nullptr;
  double seconds = 0;
  size_t kernels = 0;
  std::vector<PhaseCost> phaseTable;
};

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_GPUJIT_H
