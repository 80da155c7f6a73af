//===- OptimizerStep.h - an optimizer's step on finished gradient blocks -*- C++ -*-===//
//
// The optimizer update fused into a weight-gradient product: the product
// hands each finished block of the gradient to applyOptimizerBlock (a
// BlockSink of Gemm.h) while the block is in L2, and the step reads the
// parameter and its optimizer state, and writes their new values. The
// gradient is never stored: for a first layer of 64 runs that is 25 MB not
// written and read back per step.
//
// The arithmetic is the update generics' of convert-train-to-linalg, which
// is the interpreter's (runtime/interp/Kernels.h): the same operations in the
// same order, each rounded on its own (this file is built without
// floating-point contraction), so results stay bit-identical.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_OPTIMIZERSTEP_H
#define SWEEP_RUNTIME_KERNELS_OPTIMIZERSTEP_H

#include "runtime/kernels/Gemm.h"

#include <cstdint>

namespace sweep {

enum class UpdateRule {
  Sgd,  ///< hypers: lr, momentum, weight_decay, nesterov; state: the momentum buffer
  Adam, ///< hypers: lr, beta1, beta2, eps, weight_decay, correction1, correction2; state: m, v
  AdamW ///< as Adam, with the weight decay decoupled (applied to the parameter)
};

/// [R, M, N] tensors written by the step.
struct MutableRuns {
  float *base = nullptr;
  int64_t runStride = 0, rowStride = 0, colStride = 0;
};

/// A per-run hyperparameter: value r at base[r * stride].
struct PerRun {
  const float *base = nullptr;
  int64_t stride = 1;
  float operator[](int64_t r) const { return base[r * stride]; }
};

/// One optimizer step over a [R, M, N] parameter. An SGD run without
/// momentum neither reads nor writes its buffer (train.sgd leaves that run's
/// new buffer unspecified). A new tensor may be the
/// same memory as the tensor it replaces (element by element), never any
/// other operand.
struct OptimizerStep {
  UpdateRule kind = UpdateRule::Sgd;
  int64_t m = 0, n = 0;
  StridedRuns param, state[2];
  MutableRuns newParam, newState[2];
  PerRun hyper[7];
  /// Write the new tensors with non-temporal stores (where rows allow):
  /// right for tensors far larger than the caches, read back only at the
  /// next step from memory anyway; wrong for a small run-major chunk's,
  /// which the next step would otherwise find in cache (see
  /// streamStoresFor).
  bool streamStores = true;
  /// The instruction set of the rows with unit column stride (the widest the
  /// CPU has; tests choose each in turn): the same bits with every one.
  GemmIsa isa = bestGemmIsa();
};

/// Whether `step` over `runs` runs should use streaming stores: the bytes it
/// writes exceed `budgetBytes`, what the planner keeps in cache from step to
/// step (runtime/kernels/CacheBudget.h; the kernels pass
/// thisCoreCacheBudget()). A chunk sized to the budget keeps its new values
/// in cache for the next step; a step larger than it would push them out to
/// memory anyway, and a normal store would first read each line it writes.
/// The bytes are the parameter and the states it replaces; SGD's buffer only
/// when some run has momentum (a run without neither reads nor writes it),
/// as codegen/cpu/RunChunks.h counts them.
bool streamStoresFor(const OptimizerStep &step, int64_t runs, uint64_t budgetBytes);

/// Number of state tensors and hyperparameters of `kind`.
int optimizerStateCount(UpdateRule rule);
int optimizerHyperCount(UpdateRule rule);

/// The BlockSink function: `context` is the OptimizerStep; the block holds
/// the gradient of columns c0 .. c0 + width (c = r * N + n), rows 0 .. M.
void applyOptimizerBlock(const void *context, int64_t c0, int64_t width, const float *block,
                         int64_t blockRow);

} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_OPTIMIZERSTEP_H
