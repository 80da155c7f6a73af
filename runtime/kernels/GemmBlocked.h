//===- GemmBlocked.h - the blocked product, for one instruction set -*- C++ -*-===//
//
// Included once by each of GemmAvx512.cpp, GemmAvx2.cpp and GemmPortable.cpp,
// each built with its own -m flags and each defining its vector traits first.
// Everything here sits in an anonymous namespace and uses no standard-library
// templates: an inline function instantiated in an AVX-512 file must never
// be the copy the linker keeps for the rest of the program.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_GEMMBLOCKED_H
#define SWEEP_RUNTIME_KERNELS_GEMMBLOCKED_H

#include "runtime/kernels/Gemm.h"

#include <cstdint>

namespace {

/// K block: a packed [kKc x NR] panel of B is 32 KiB for NR = 32 and stays
/// in L1 while the row blocks of A stream past it.
constexpr int64_t kKc = 256;

/// Column block: the C block [M x kNc] stays in L2 across the K blocks (for
/// M = 784, 784 KiB of the 2 MiB).
constexpr int64_t kNc = 256;

inline int64_t minOf(int64_t a, int64_t b) { return a < b ? a : b; }

/// One Rows x (NV vectors) tile: C += A x Bpanel over kc, one fma per k in
/// order for every element. `c` has unit column stride.
template <typename I, int Rows, int NV>
__attribute__((always_inline)) inline void tile(const float *a, int64_t aRow, int64_t aCol,
                                                const float *panel, int64_t kc, float *c,
                                                int64_t cRow) {
  constexpr int NR = NV * I::kLanes;
  typename I::V acc[Rows][NV];
  for (int i = 0; i < Rows; ++i)
    for (int v = 0; v < NV; ++v)
      acc[i][v] = I::load(c + i * cRow + v * I::kLanes);
  for (int64_t kk = 0; kk < kc; ++kk) {
    typename I::V bv[NV];
    for (int v = 0; v < NV; ++v)
      bv[v] = I::load(panel + kk * NR + v * I::kLanes);
    for (int i = 0; i < Rows; ++i) {
      typename I::V av = I::broadcast(a[i * aRow + kk * aCol]);
      for (int v = 0; v < NV; ++v)
        acc[i][v] = I::fma(av, bv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < Rows; ++i)
    for (int v = 0; v < NV; ++v)
      I::store(c + i * cRow + v * I::kLanes, acc[i][v]);
}

/// tile<Rows> for a run-time row count 1..MR.
template <typename I, int MR, int NV>
__attribute__((always_inline)) inline void tileRows(int64_t rows, const float *a, int64_t aRow,
                                                    int64_t aCol, const float *panel, int64_t kc,
                                                    float *c, int64_t cRow) {
  if constexpr (MR > 0) {
    if (rows == MR)
      return tile<I, MR, NV>(a, aRow, aCol, panel, kc, c, cRow);
    return tileRows<I, MR - 1, NV>(rows, a, aRow, aCol, panel, kc, c, cRow);
  }
}

/// One product whose columns are c = r * n + j over all runs: A is shared,
/// or there is one run. Loops, outside in: column blocks of kNc, K blocks of
/// kKc, panels of NR columns (packed), row blocks of MR.
template <typename I, int MR, int NV> void blockedWide(const sweep::GemmProblem &p) {
  constexpr int NR = NV * I::kLanes;
  alignas(64) static thread_local float panel[kKc * NR];
  alignas(64) static thread_local float scratch[MR * NR];
  const float *column[NR];
  int64_t cOffset[NR];
  const int64_t cols = p.runs * p.n;
  for (int64_t block = 0; block < cols; block += kNc)
    for (int64_t k0 = 0; k0 < p.k; k0 += kKc) {
      const int64_t kc = minOf(kKc, p.k - k0);
      for (int64_t c0 = block; c0 < minOf(block + kNc, cols); c0 += NR) {
        const int64_t width = minOf(NR, cols - c0);
        for (int64_t j = 0; j < width; ++j) {
          int64_t r = (c0 + j) / p.n, n = (c0 + j) % p.n;
          column[j] = p.b.base + r * p.b.runStride + n * p.b.colStride + k0 * p.b.rowStride;
          cOffset[j] = r * p.cRunStride + n * p.cColStride;
        }
        // Pack B[k0:k0+kc, c0:c0+NR] by rows; missing columns are zero.
        for (int64_t kk = 0; kk < kc; ++kk) {
          float *row = panel + kk * NR;
          int64_t j = 0;
          for (; j < width; ++j)
            row[j] = column[j][kk * p.b.rowStride];
          for (; j < NR; ++j)
            row[j] = 0.0f;
        }
        // Write C in place when the panel is NR contiguous columns of one run.
        const bool direct = width == NR && p.cColStride == 1 && c0 / p.n == (c0 + NR - 1) / p.n;
        for (int64_t m0 = 0; m0 < p.m; m0 += MR) {
          const int64_t rows = minOf(MR, p.m - m0);
          const float *a = p.a.base + m0 * p.a.rowStride + k0 * p.a.colStride;
          if (direct) {
            tileRows<I, MR, NV>(rows, a, p.a.rowStride, p.a.colStride, panel, kc,
                                p.c + cOffset[0] + m0 * p.cRowStride, p.cRowStride);
            continue;
          }
          for (int64_t i = 0; i < rows; ++i) {
            float *out = p.c + m0 * p.cRowStride + i * p.cRowStride;
            int64_t j = 0;
            for (; j < width; ++j)
              scratch[i * NR + j] = out[cOffset[j]];
            for (; j < NR; ++j)
              scratch[i * NR + j] = 0.0f;
          }
          tileRows<I, MR, NV>(rows, a, p.a.rowStride, p.a.colStride, panel, kc, scratch, NR);
          for (int64_t i = 0; i < rows; ++i) {
            float *out = p.c + m0 * p.cRowStride + i * p.cRowStride;
            for (int64_t j = 0; j < width; ++j)
              out[cOffset[j]] = scratch[i * NR + j];
          }
        }
      }
    }
}

/// Shared A: one wide product. Per-run A: one product per run.
template <typename I, int MR, int NV> void blocked(const sweep::GemmProblem &p) {
  if (p.runs <= 0 || p.m <= 0 || p.n <= 0 || p.k <= 0)
    return;
  if (p.a.runStride == 0 || p.runs == 1)
    return blockedWide<I, MR, NV>(p);
  for (int64_t r = 0; r < p.runs; ++r) {
    sweep::GemmProblem one = p;
    one.runs = 1;
    one.a.base += r * p.a.runStride;
    one.b.base += r * p.b.runStride;
    one.c += r * p.cRunStride;
    blockedWide<I, MR, NV>(one);
  }
}

} // namespace

#endif // SWEEP_RUNTIME_KERNELS_GEMMBLOCKED_H
