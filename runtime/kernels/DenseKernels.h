//===- DenseKernels.h - register-blocked dense-layer kernels ----*- C++ -*-===//
//
// Micro-kernels that compiled groups call for their three big loop nests, as
// IREE calls its "ukernels": the dense layer's forward product, its weight
// gradient and its input gradient, for R runs at once. Each is one call of the
// packed, register-blocked product of Gemm.h, which keeps the interpreter's
// arithmetic exactly: each output element starts from the same value and adds
// the products in the same k (or b, or n) order with one fused multiply-add
// each, so results stay bit-identical to runtime/interp.
//
// The entry points take MLIR's strided memref descriptors (what
// convert-linalg-to-std passes to a linalg op's library_call).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_DENSEKERNELS_H
#define SWEEP_RUNTIME_KERNELS_DENSEKERNELS_H

#include "runtime/kernels/Gemm.h"
#include "runtime/kernels/OptimizerStep.h"

#include <cstdint>

namespace sweep {

/// MLIR's C layout of a memref<...xf32, strided<[...], offset: ?>>.
template <int Rank> struct MemRefF32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

/// How the R products of a shared input are computed: one GEMM over R*N
/// columns (Wide) or R products (PerRun). Same bits either way.
enum class RunColumns { PerRun, Wide };

/// The fused bias and activation of a forward product: each element starts
/// from bias[r, n] (instead of out's contents) and ends as activation(value).
struct BiasActivation {
  const float *bias = nullptr; ///< [R, N]; null: start from out's contents
  int64_t biasRunStride = 0, biasColStride = 1;
  Epilogue activation = Epilogue::None; ///< None, Relu, Tanh or Sigmoid
};

/// out[r, b, n] += sum over k of x[b, k] * w[r, k, n], k in order, for each
/// element starting from its current value (the bias) or from `fused.bias`,
/// then `fused.activation`.
void denseForwardKernel(const float *x, int64_t xRunStride, int64_t xRowStride, int64_t xColStride,
                        const float *w, int64_t wRunStride, int64_t wRowStride, float *out,
                        int64_t outRunStride, int64_t outRowStride, int64_t runs, int64_t batch,
                        int64_t inputs, int64_t outputs, RunColumns columns,
                        const BiasActivation &fused = {});

/// Where a gradient product's sums start: from the output's contents, or
/// from zero without reading it (what a zero fill followed by the product
/// computes, without the fill's pass over memory).
enum class StartFrom { Output, Zero };

/// dw[r, k, n] += sum over b of x[b, k] * dy[r, b, n], b in order.
void denseWeightGradKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                           int64_t xColStride, const float *dy, int64_t dyRunStride,
                           int64_t dyRowStride, float *dw, int64_t dwRunStride, int64_t dwRowStride,
                           int64_t runs, int64_t batch, int64_t inputs, int64_t outputs,
                           RunColumns columns, StartFrom start = StartFrom::Output);

/// The weight gradient as above, from zero, handed block by block to the
/// optimizer's step instead of being stored (OptimizerStep.h): `step` reads
/// the parameter and its state and writes their new values.
void denseWeightGradStepKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                               int64_t xColStride, const float *dy, int64_t dyRunStride,
                               int64_t dyRowStride, int64_t runs, int64_t batch, int64_t inputs,
                               int64_t outputs, RunColumns columns, const OptimizerStep &step);

/// The backward pass through the activation that produced the layer's input:
/// each finished element of dx is multiplied by the activation's slope at
/// y[r, b, k] (the activation's output).
struct ThroughActivation {
  const float *y = nullptr; ///< [R, B, K]
  int64_t yRunStride = 0, yRowStride = 0;
  Epilogue slope = Epilogue::None; ///< None, ReluSlope, TanhSlope or SigmoidSlope
};

/// dx[r, b, k] += sum over n of dy[r, b, n] * w[r, k, n], n in order (the
/// packing reads w transposed), then `fused.slope`.
void denseInputGradKernel(const float *dy, int64_t dyRunStride, int64_t dyRowStride, const float *w,
                          int64_t wRunStride, int64_t wRowStride, float *dx, int64_t dxRunStride,
                          int64_t dxRowStride, int64_t runs, int64_t batch, int64_t inputs,
                          int64_t outputs, const ThroughActivation &fused = {});

} // namespace sweep

// The library_call symbols of the compiled code (C interface of
// convert-linalg-to-std): x shared [B, K] or per run [R, B, K]; `wide` for a
// shared x computed as one GEMM over all runs' columns.
extern "C" {
void _mlir_ciface_sweep_dense_wide(sweep::MemRefF32<2> *x, sweep::MemRefF32<3> *w,
                                   sweep::MemRefF32<3> *out);
void _mlir_ciface_sweep_dense_grad_weight_wide(sweep::MemRefF32<2> *x, sweep::MemRefF32<3> *dy,
                                               sweep::MemRefF32<3> *dw);
void _mlir_ciface_sweep_dense_shared(sweep::MemRefF32<2> *x, sweep::MemRefF32<3> *w,
                                     sweep::MemRefF32<3> *out);
void _mlir_ciface_sweep_dense_per_run(sweep::MemRefF32<3> *x, sweep::MemRefF32<3> *w,
                                      sweep::MemRefF32<3> *out);
void _mlir_ciface_sweep_dense_grad_weight_shared(sweep::MemRefF32<2> *x, sweep::MemRefF32<3> *dy,
                                                 sweep::MemRefF32<3> *dw);
void _mlir_ciface_sweep_dense_grad_weight_per_run(sweep::MemRefF32<3> *x, sweep::MemRefF32<3> *dy,
                                                  sweep::MemRefF32<3> *dw);
void _mlir_ciface_sweep_dense_grad_input(sweep::MemRefF32<3> *dy, sweep::MemRefF32<3> *w,
                                         sweep::MemRefF32<3> *dx);
}

namespace sweep {
/// Every kernel symbol above and the fused ones (dense products with their
/// bias and activation, `sweep_dense_<wide|shared|per_run>_bias_<identity|
/// relu|tanh|sigmoid>(x, w, bias, out)`, input gradients through an
/// activation, `sweep_dense_grad_input_through_<relu|tanh|sigmoid>(dy, w, y,
/// dx)`, the gradient products that start from zero,
/// `sweep_dense_grad_weight_<wide|shared|per_run>_from_zero`, and those that
/// end in the optimizer's step, `sweep_dense_grad_weight_<mode>_<sgd|adam|
/// adamw>(x, dy, param, state..., hypers..., new param, new state...)`), by
/// their C-interface name
/// (`_mlir_ciface_...`): what the JIT links compiled groups against.
struct KernelSymbol {
  const char *name;
  void *address;
};
const KernelSymbol *kernelSymbols(int64_t &count);
} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_DENSEKERNELS_H
