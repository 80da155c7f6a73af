//===- DenseKernels.cpp - register-blocked dense-layer kernels ------------===//
//
// Built with -ffp-contract=off: a fused multiply-add would round differently
// from the interpreter's separate multiply and add.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"

#include <cstring>
#include <vector>

using namespace sweep;

namespace {
constexpr int kRows = 4, kCols = 16; // 4 x 2 vectors of accumulators.

/// Eight floats: one AVX2 register where the function is built for AVX2,
/// two SSE registers elsewhere.
typedef float Vec8 __attribute__((vector_size(32)));

__attribute__((always_inline)) inline Vec8 load(const float *p) {
  Vec8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
__attribute__((always_inline)) inline void store(float *p, Vec8 v) { std::memcpy(p, &v, sizeof v); }

/// One kRows x kCols tile of out += a * b over k in order, its 8
/// accumulators kept in registers.
__attribute__((always_inline)) inline void tile(const float *a, int64_t aRow, int64_t aCol,
                                                const float *b, int64_t bRow, float *out,
                                                int64_t outRow, int64_t k) {
  Vec8 acc[kRows][2];
  for (int i = 0; i < kRows; ++i)
    for (int j = 0; j < 2; ++j)
      acc[i][j] = load(out + i * outRow + 8 * j);
  for (int64_t kk = 0; kk < k; ++kk) {
    Vec8 b0 = load(b + kk * bRow), b1 = load(b + kk * bRow + 8);
    for (int i = 0; i < kRows; ++i) {
      float av = a[i * aRow + kk * aCol];
      acc[i][0] = acc[i][0] + av * b0;
      acc[i][1] = acc[i][1] + av * b1;
    }
  }
  for (int i = 0; i < kRows; ++i)
    for (int j = 0; j < 2; ++j)
      store(out + i * outRow + 8 * j, acc[i][j]);
}

/// Edge tiles: any rows and columns, the same order.
__attribute__((always_inline)) inline void edge(const float *x, int64_t xRow, int64_t xCol,
                                                const float *w, int64_t wRow, float *out,
                                                int64_t outRow, int64_t k, int64_t rows,
                                                int64_t cols) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float acc = out[i * outRow + j];
      for (int64_t kk = 0; kk < k; ++kk)
        acc = acc + x[i * xRow + kk * xCol] * w[kk * wRow + j];
      out[i * outRow + j] = acc;
    }
}

/// out[m, n] += sum over k of a[m, k] * b[k, n] for one run, tiled.
/// Inlined into one function per instruction set (see productAvx2).
template <bool Avx2>
__attribute__((always_inline)) inline void
product(const float *a, int64_t aRow, int64_t aCol, const float *b, int64_t bRow, float *out,
        int64_t outRow, int64_t m, int64_t k, int64_t n) {
  int64_t fullRows = m - m % kRows, fullCols = n - n % kCols;
  // Column blocks outside, row blocks inside: one [k x 16] block of b stays
  // in cache while every row block of a streams past it.
  for (int64_t j = 0; j < fullCols; j += kCols) {
    for (int64_t i = 0; i < fullRows; i += kRows)
      tile(a + i * aRow, aRow, aCol, b + j, bRow, out + i * outRow + j, outRow, k);
    if (fullRows < m)
      edge(a + fullRows * aRow, aRow, aCol, b + j, bRow, out + fullRows * outRow + j, outRow, k,
           m - fullRows, kCols);
  }
  if (fullCols < n)
    edge(a, aRow, aCol, b + fullCols, bRow, out + fullCols, outRow, k, m, n - fullCols);
}

__attribute__((target("avx2"))) void productAvx2(const float *a, int64_t aRow, int64_t aCol,
                                                 const float *b, int64_t bRow, float *out,
                                                 int64_t outRow, int64_t m, int64_t k, int64_t n) {
  product<true>(a, aRow, aCol, b, bRow, out, outRow, m, k, n);
}

void productBaseline(const float *a, int64_t aRow, int64_t aCol, const float *b, int64_t bRow,
                     float *out, int64_t outRow, int64_t m, int64_t k, int64_t n) {
  product<false>(a, aRow, aCol, b, bRow, out, outRow, m, k, n);
}

using ProductFn = void (*)(const float *, int64_t, int64_t, const float *, int64_t, float *,
                           int64_t, int64_t, int64_t, int64_t);

ProductFn pickProduct() {
  static const ProductFn chosen =
      __builtin_cpu_supports("avx2") ? ProductFn(productAvx2) : ProductFn(productBaseline);
  return chosen;
}
} // namespace

void sweep::denseForwardKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                               int64_t xColStride, const float *w, int64_t wRunStride,
                               int64_t wRowStride, float *out, int64_t outRunStride,
                               int64_t outRowStride, int64_t runs, int64_t batch, int64_t inputs,
                               int64_t outputs) {
  ProductFn fn = pickProduct();
  for (int64_t r = 0; r < runs; ++r)
    fn(x + r * xRunStride, xRowStride, xColStride, w + r * wRunStride, wRowStride,
       out + r * outRunStride, outRowStride, batch, inputs, outputs);
}

void sweep::denseWeightGradKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                                  int64_t xColStride, const float *dy, int64_t dyRunStride,
                                  int64_t dyRowStride, float *dw, int64_t dwRunStride,
                                  int64_t dwRowStride, int64_t runs, int64_t batch, int64_t inputs,
                                  int64_t outputs) {
  // dw[k, n] += sum over b of x^T[k, b] * dy[b, n]: the same product with x
  // read transposed (row stride = column stride of x, and back).
  ProductFn fn = pickProduct();
  for (int64_t r = 0; r < runs; ++r)
    fn(x + r * xRunStride, xColStride, xRowStride, dy + r * dyRunStride, dyRowStride,
       dw + r * dwRunStride, dwRowStride, inputs, batch, outputs);
}

void sweep::denseInputGradKernel(const float *dy, int64_t dyRunStride, int64_t dyRowStride,
                                 const float *w, int64_t wRunStride, int64_t wRowStride, float *dx,
                                 int64_t dxRunStride, int64_t dxRowStride, int64_t runs,
                                 int64_t batch, int64_t inputs, int64_t outputs) {
  ProductFn fn = pickProduct();
  thread_local std::vector<float> transposed;
  transposed.resize(size_t(inputs * outputs));
  for (int64_t r = 0; r < runs; ++r) {
    const float *wr = w + r * wRunStride;
    for (int64_t k = 0; k < inputs; ++k)
      for (int64_t n = 0; n < outputs; ++n)
        transposed[size_t(n * inputs + k)] = wr[k * wRowStride + n];
    fn(dy + r * dyRunStride, dyRowStride, 1, transposed.data(), inputs, dx + r * dxRunStride,
       dxRowStride, batch, outputs, inputs);
  }
}

extern "C" {
void _mlir_ciface_sweep_dense_shared(MemRefF32<2> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[1], out->sizes[2]);
}

void _mlir_ciface_sweep_dense_per_run(MemRefF32<3> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, x->strides[0], x->strides[1], x->strides[2],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[2], out->sizes[2]);
}

void _mlir_ciface_sweep_dense_grad_weight_shared(MemRefF32<2> *x, MemRefF32<3> *dy,
                                                 MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[0], dw->sizes[1], dw->sizes[2]);
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
                        x->sizes[1], dw->sizes[1], dw->sizes[2]);
}
}
