//===- GroupPipeline.h - a group's program through a pipeline ---*- C++ -*-===//
//
// MLIRGen of a run group and a pass pipeline over it, the failure's
// diagnostics kept as text: what the CPU JIT, the GPU JIT and the static cost
// tables all start with.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_PIPELINES_GROUPPIPELINE_H
#define SWEEP_LIB_PIPELINES_GROUPPIPELINE_H

#include "runtime/exec/SweepJob.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace mlir {
class MLIRContext;
class OpPassManager;
} // namespace mlir

namespace sweep {

/// The train program of `group` for `runs` runs, built in `context` (which
/// holds sweepc's dialects) and run through the passes `addPasses` adds.
/// Null with `diagnostics` holding what the failing pass said. `rowSums`: the
/// program's interface of GPU code (TrainProgramOptions::rowSums).
mlir::OwningOpRef<mlir::ModuleOp>
lowerGroup(mlir::MLIRContext &context, const GroupSpec &group, int64_t runs,
           llvm::function_ref<void(mlir::OpPassManager &)> addPasses, std::string &diagnostics,
           bool rowSums = false);

/// Runs the passes `addPasses` adds on `module`, a lowerGroup result, in its
/// context; false with `diagnostics` holding what the failing pass said.
bool continueLowering(mlir::ModuleOp module,
                      llvm::function_ref<void(mlir::OpPassManager &)> addPasses,
                      std::string &diagnostics);

} // namespace sweep

#endif // SWEEP_LIB_PIPELINES_GROUPPIPELINE_H
