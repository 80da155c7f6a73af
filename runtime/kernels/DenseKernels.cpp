//===- DenseKernels.cpp - register-blocked dense-layer kernels ------------===//
//
// Thin wrappers: each kernel is one call of the blocked product (Gemm.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"

#include "runtime/kernels/Gemm.h"

using namespace sweep;

namespace {
/// A shared A computed per run: R products of one run each.
void gemmColumns(const GemmProblem &p, RunColumns columns) {
  if (columns == RunColumns::Wide || p.a.runStride != 0)
    return gemm(p);
  for (int64_t r = 0; r < p.runs; ++r) {
    GemmProblem one = p;
    one.runs = 1;
    one.b.base += r * p.b.runStride;
    one.c += r * p.cRunStride;
    gemm(one);
  }
}
} // namespace

void sweep::denseForwardKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                               int64_t xColStride, const float *w, int64_t wRunStride,
                               int64_t wRowStride, float *out, int64_t outRunStride,
                               int64_t outRowStride, int64_t runs, int64_t batch, int64_t inputs,
                               int64_t outputs, RunColumns columns) {
  GemmProblem p;
  p.runs = runs, p.m = batch, p.k = inputs, p.n = outputs;
  p.a = {x, xRunStride, xRowStride, xColStride};
  p.b = {w, wRunStride, wRowStride, 1};
  p.c = out, p.cRunStride = outRunStride, p.cRowStride = outRowStride;
  gemmColumns(p, columns);
}

void sweep::denseWeightGradKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                                  int64_t xColStride, const float *dy, int64_t dyRunStride,
                                  int64_t dyRowStride, float *dw, int64_t dwRunStride,
                                  int64_t dwRowStride, int64_t runs, int64_t batch, int64_t inputs,
                                  int64_t outputs, RunColumns columns) {
  // dw[k, n] += sum over b of x^T[k, b] * dy[b, n]: x read transposed.
  GemmProblem p;
  p.runs = runs, p.m = inputs, p.k = batch, p.n = outputs;
  p.a = {x, xRunStride, xColStride, xRowStride};
  p.b = {dy, dyRunStride, dyRowStride, 1};
  p.c = dw, p.cRunStride = dwRunStride, p.cRowStride = dwRowStride;
  gemmColumns(p, columns);
}

void sweep::denseInputGradKernel(const float *dy, int64_t dyRunStride, int64_t dyRowStride,
                                 const float *w, int64_t wRunStride, int64_t wRowStride, float *dx,
                                 int64_t dxRunStride, int64_t dxRowStride, int64_t runs,
                                 int64_t batch, int64_t inputs, int64_t outputs) {
  // dx[b, k] += sum over n of dy[b, n] * w^T[n, k]: packing reads w transposed.
  GemmProblem p;
  p.runs = runs, p.m = batch, p.k = outputs, p.n = inputs;
  p.a = {dy, dyRunStride, dyRowStride, 1};
  p.b = {w, wRunStride, 1, wRowStride};
  p.c = dx, p.cRunStride = dxRunStride, p.cRowStride = dxRowStride;
  gemm(p);
}

extern "C" {
void _mlir_ciface_sweep_dense_shared(MemRefF32<2> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[1], out->sizes[2], RunColumns::PerRun);
}

void _mlir_ciface_sweep_dense_wide(MemRefF32<2> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[1], out->sizes[2], RunColumns::Wide);
}

void _mlir_ciface_sweep_dense_per_run(MemRefF32<3> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, x->strides[0], x->strides[1], x->strides[2],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[2], out->sizes[2], RunColumns::PerRun);
}

void _mlir_ciface_sweep_dense_grad_weight_shared(MemRefF32<2> *x, MemRefF32<3> *dy,
                                                 MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[0], dw->sizes[1], dw->sizes[2], RunColumns::PerRun);
}

void _mlir_ciface_sweep_dense_grad_weight_wide(MemRefF32<2> *x, MemRefF32<3> *dy,
                                               MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[0], dw->sizes[1], dw->sizes[2], RunColumns::Wide);
}

void _mlir_ciface_sweep_dense_grad_input(MemRefF32<3> *dy, MemRefF32<3> *w, MemRefF32<3> *dx) {
  denseInputGradKernel(dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                       w->aligned + w->offset, w->strides[0], w->strides[1],
                       dx->aligned + dx->offset, dx->strides[0], dx->strides[1], dx->sizes[0],
                       dx->sizes[1], dx->sizes[2], dy->sizes[2]);
}

void _mlir_ciface_sweep_dense_grad_weight_per_run(MemRefF32<3> *x, MemRefF32<3> *dy,
                                                  MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, x->strides[0], x->strides[1], x->strides[2],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[1], dw->sizes[1], dw->sizes[2], RunColumns::PerRun);
}
}
