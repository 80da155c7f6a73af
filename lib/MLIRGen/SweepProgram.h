//===- SweepProgram.h - a whole sweep as sweep-dialect IR -------*- C++ -*-===//
//
// The experiment of a SweepJob: one sweep.dataset per data configuration,
// one sweep.group per run group with its run ids, the numeric settings that
// differ between its runs as sweep.hyperparameter tables, and the group's
// train program (TrainProgram.h) inside it. `sweepc -emit=sweep` prints it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_MLIRGEN_SWEEPPROGRAM_H
#define SWEEP_LIB_MLIRGEN_SWEEPPROGRAM_H

#include "runtime/exec/SweepJob.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace sweep {

mlir::OwningOpRef<mlir::ModuleOp> buildSweepProgram(mlir::MLIRContext &context,
                                                    const SweepJob &job);

} // namespace sweep

#endif // SWEEP_LIB_MLIRGEN_SWEEPPROGRAM_H
