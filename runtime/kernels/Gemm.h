//===- Gemm.h - packed, run-batched matrix products -------------*- C++ -*-===//
//
// The one matrix product behind every dense-layer kernel, for R runs at once:
//
//   C[r](m, n) = fma chain over k = 0, 1, ... of A[r](m, k) * B[r](k, n),
//                starting from the current C[r](m, n).
//
// Each output element adds its products one k at a time, in order, with a
// fused multiply-add, exactly as the interpreter's loops do (std::fma), so
// results are bit-identical to runtime/interp whatever the blocking.
//
// When A is shared by all runs (the first layer reads the same minibatch in
// every run) the product is ONE wide GEMM A[M, K] x B[K, R*N]: column
// c = r * N + n, and a column panel of the micro-kernel may span two runs.
// That keeps the vector lanes full for narrow layers (N = 10 or 16) and
// reads each A block once for all runs. With a per-run A, each run is its own
// product.
//
// The blocking follows BLIS: K in blocks of kKc, B packed per [kKc x NR]
// panel (it stays in L1 while every MR-row block of A streams past it), an
// MR x NR register tile of accumulators. Three instruction sets are built in
// separate files (AVX-512, AVX2+FMA, portable) and chosen at run time.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_GEMM_H
#define SWEEP_RUNTIME_KERNELS_GEMM_H

#include <cstdint>
#include <vector>

namespace sweep {

/// A strided view of R matrices: element (r, i, j) is at
/// base[r * runStride + i * rowStride + j * colStride].
struct StridedRuns {
  const float *base = nullptr;
  int64_t runStride = 0, rowStride = 0, colStride = 0;
};

struct GemmProblem {
  int64_t runs = 1, m = 0, k = 0, n = 0;
  StridedRuns a;      ///< [M, K] per run; runStride 0 when shared (wide GEMM).
  StridedRuns b;      ///< [K, N] per run.
  float *c = nullptr; ///< [M, N] per run, read and written.
  int64_t cRunStride = 0, cRowStride = 0, cColStride = 1;
};

enum class GemmIsa { Portable, Avx2, Avx512 };

const char *gemmIsaName(GemmIsa isa);

/// The instruction sets this machine can run, best last.
std::vector<GemmIsa> availableGemmIsas();

/// The best one (what gemm() uses).
GemmIsa bestGemmIsa();

/// C += A x B as described above, with the best instruction set.
void gemm(const GemmProblem &p);

/// The same with a chosen instruction set (tests compare them all).
void gemmWith(GemmIsa isa, const GemmProblem &p);

namespace detail {
void gemmPortable(const GemmProblem &p);
void gemmAvx2(const GemmProblem &p);
void gemmAvx512(const GemmProblem &p);
} // namespace detail

} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_GEMM_H
