//===- JitCompiler.h - a run group compiled for this CPU --------*- C++ -*-===//
//
// MLIRGen, the CPU pipeline and MLIR's ExecutionEngine (LLVM ORC JIT, -O3,
// the host's CPU features) turn a group into two C entry points with MLIR's
// packed calling convention: each argument is a pointer to a memref
// descriptor (TrainProgram.h gives their order; results follow as
// out-parameters).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_JITCOMPILER_H
#define SWEEP_CODEGEN_CPU_JITCOMPILER_H

#include "lib/Pipelines/CpuPipeline.h"
#include "runtime/energy/Probes.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/SweepJob.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
class ModuleOp;
} // namespace mlir
namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace sweep {

class CompileCache;

class CompiledGroup : public GroupCode {
public:
  ~CompiledGroup() override;
  /// Calls @train_step / @evaluate with packed arguments.
  void trainStep(void **args) const override { trainStepFn(args); }
  void evaluate(void **args) const override { evaluateFn(args); }
  /// Wall-clock seconds MLIRGen, the pipeline and the JIT (or the load
  /// from the compile cache) took.
  double compileSeconds() const { return seconds; }
  /// Whether the machine code came from the compile cache.
  bool fromCompileCache() const override { return loadedObject != nullptr; }
  /// The energy probes' table (the module's energy.phases): probe i starts
  /// phases()[i]. Empty when compiled without probes.
  const std::vector<PhaseCost> &phases() const override { return phaseTable; }
  /// The GPU's loop nests come with the GPU's interface: rows summed.
  bool sumsRows() const override { return rowSums; }

  /// Compiles `group` for `runs` runs; on failure sets `error`. Without
  /// `energyProbes` the code has no probe calls; `loops` as in CpuPipeline.h.
  /// With a `cache` the machine code is loaded from it when it holds the
  /// same code, and stored in it when it does not (CompileCache.h).
  static std::unique_ptr<CompiledGroup> compile(const GroupSpec &group, int64_t runs,
                                                std::string &error, bool energyProbes = true,
                                                CpuLoops loops = CpuLoops::KernelCalls,
                                                CompileCache *cache = nullptr);

private:
  CompiledGroup() = default;
  // The code lives in one of the two: a freshly compiled engine, or a JIT
  // that loaded the object from the compile cache.
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::unique_ptr<llvm::orc::LLJIT> loadedObject;
  void (*trainStepFn)(void **) = nullptr;
  void (*evaluateFn)(void **) = nullptr;
  double seconds = 0;
  std::vector<PhaseCost> phaseTable;
  bool rowSums = false;
};

/// LLVM's native target and its assembly printer, once per process (every
/// JIT of a group needs them).
void initializeNativeTarget();

/// The packed C entry points @train_step and @evaluate of `engine`; false
/// with `error` set when one is missing.
bool lookupGroupEntryPoints(mlir::ExecutionEngine &engine, void (*&trainStep)(void **),
                            void (*&evaluate)(void **), std::string &error);

/// The phase table a module's probes index (its energy.phases attribute).
std::vector<PhaseCost> readPhaseTable(mlir::ModuleOp module);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_JITCOMPILER_H
