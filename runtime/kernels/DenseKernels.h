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

/// out[r, b, n] += sum over k of x[b, k] * w[r, k, n], k in order, for each
/// element starting from its current value (the bias).
void denseForwardKernel(const float *x, int64_t xRunStride, int64_t xRowStride, int64_t xColStride,
                        const float *w, int64_t wRunStride, int64_t wRowStride, float *out,
                        int64_t outRunStride, int64_t outRowStride, int64_t runs, int64_t batch,
                        int64_t inputs, int64_t outputs, RunColumns columns);

/// dw[r, k, n] += sum over b of x[b, k] * dy[r, b, n], b in order.
void denseWeightGradKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                           int64_t xColStride, const float *dy, int64_t dyRunStride,
                           int64_t dyRowStride, float *dw, int64_t dwRunStride, int64_t dwRowStride,
                           int64_t runs, int64_t batch, int64_t inputs, int64_t outputs,
                           RunColumns columns);

/// dx[r, b, k] += sum over n of dy[r, b, n] * w[r, k, n], n in order (w is
/// transposed into a scratch buffer so that the product reads it by rows).
void denseInputGradKernel(const float *dy, int64_t dyRunStride, int64_t dyRowStride, const float *w,
                          int64_t wRunStride, int64_t wRowStride, float *dx, int64_t dxRunStride,
                          int64_t dxRowStride, int64_t runs, int64_t batch, int64_t inputs,
                          int64_t outputs);

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

#endif // SWEEP_RUNTIME_KERNELS_DENSEKERNELS_H
