//===- TrainProgram.h - one run group as train-dialect IR -------*- C++ -*-===//
//
// MLIRGen for a group: the runtime's GroupSpec (its layers, loss and
// optimizer kind) and a run count R become a module with two functions over
// tensors with a leading run axis:
//
//   @train_step(x, y, params..., slots..., draws..., hypers...)
//       -> (loss rows [R, ?] f64, new params..., new slots...)
//   @evaluate(x, y, params...)
//       -> (loss rows [R, ?] f64, correct [R], squared-error rows [R, ?] f64)
//
// x is the shared minibatch [?, inputs]; y its labels [?] (i32) or targets
// [?, outputs]. params are, per dense layer, W [R, K, N] then b [R, N]; slots
// the optimizer state of each param in param order (sgd: momentum buffer;
// adam: m, then v); draws, only when the group has dropout layers, are each
// run's seed [R] i64, the minibatch's first row in the dropout streams [] i64
// (step * batch size, the step counted from 0 over the whole training), then
// per dropout layer each run's threshold [R] i32 (ceil(p * 2^24)) and keep
// scale [R] f32 (1 / (1 - p)), from which train.dropout_mask draws the
// masks in the program, as dropoutScales does on the host; hypers are [R]
// tensors (sgd: lr, momentum, weight_decay, nesterov; adam:
// lr, beta1, beta2, eps, weight_decay, correction1, correction2). Training
// differentiates the per-run mean loss (train.backward stands for the
// gradients until train-autodiff replaces it); the functions report each
// row's loss in f64 (train.loss_rows) for the runtime to sum in double, as the
// interpreter does.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_MLIRGEN_TRAINPROGRAM_H
#define SWEEP_LIB_MLIRGEN_TRAINPROGRAM_H

#include "runtime/exec/CompiledProgram.h" // trainStepHypers, optimizerSlots
#include "runtime/exec/SweepJob.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace sweep {

/// Variants of the program's interface.
struct TrainProgramOptions {
  /// Each run's rows summed in the program (in row order, from 0, in f64, as
  /// the runtime sums them): the loss and squared-error results are [R]
  /// instead of [R, ?]. For GPU code: the rows would otherwise be copied to
  /// the host at every step (100 MB a step for 100,000 runs of batch 128).
  bool rowSums = false;
};

mlir::OwningOpRef<mlir::ModuleOp> buildTrainProgram(mlir::MLIRContext &context,
                                                    const GroupSpec &group, int64_t runs,
                                                    TrainProgramOptions options = {});

} // namespace sweep

#endif // SWEEP_LIB_MLIRGEN_TRAINPROGRAM_H
