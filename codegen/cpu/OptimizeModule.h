//===- OptimizeModule.h - LLVM -O2 for a group's code -----------*- C++ -*-===//
//
// What every group's LLVM IR goes through before machine code (the CPU JIT,
// the GPU's host code, `sweepc build`'s objects): its entry points folded
// into their C interfaces (FoldEntryPoints.h), then LLVM's -O2 pipeline as
// mlir::makeOptimizingTransformer(2, 0, machine) builds it, less one pass.
// CalledValuePropagation tracks which functions every pointer value may
// call, to annotate indirect calls; a group's code makes none, and the pass
// is superlinear in its pointer values: on a model of 511 layers it took 22.6
// of `opt -O2`'s 28 s (LLVM 19, -time-passes). It is skipped through the pass
// instrumentation's optional-pass callback.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_OPTIMIZEMODULE_H
#define SWEEP_CODEGEN_CPU_OPTIMIZEMODULE_H

#include "llvm/Support/Error.h"

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace sweep {

/// Folds `module`'s entry points and optimizes it at -O2 for `machine`
/// (null: no target's cost model, as for the GPU's host code).
llvm::Error optimizeGroupModule(llvm::Module &module, llvm::TargetMachine *machine);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_OPTIMIZEMODULE_H
