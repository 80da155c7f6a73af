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
// The blocking follows BLIS: K in equal blocks of at most kKc, a transposed
// A packed once into MR-row micro-panels (a row-major A is read in place),
// B packed per [kKc x NR] panel (it stays in L1
// while every MR-row block of A streams past it), an MR x NR register tile of
// accumulators. Three instruction sets are built in separate files (AVX-512,
// AVX2+FMA, portable) and chosen at run time.
//
// Epilogues keep a layer's output written once: C can start from `init` (the
// bias, broadcast over rows) instead of its own contents, and each tile gets
// its activation, or the product with an activation's slope (backward), right
// after its last K block while it is still in L1 (GemmEpilogue.cpp). Or C is
// not stored at all: a BlockSink receives each finished column block (the
// weight gradient handed to the optimizer's step, OptimizerStep.h).
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

/// What happens to each element of C after its last product.
enum class Epilogue {
  None,
  Relu,
  Tanh,
  Sigmoid,
  ReluSlope,   ///< C *= reluSlope(gate)
  TanhSlope,   ///< C *= tanhSlope(gate), gate = tanh's output
  SigmoidSlope ///< C *= sigmoidSlope(gate), gate = sigmoid's output
};

/// Where a product delivers C when C is not to be stored: each finished
/// column block, after its last K block, while it is still in L2. `finish`
/// gets the block's columns c0 .. c0 + width, numbered over the whole
/// problem's runs (c = (firstRun + r) * N + n), and their values for rows
/// 0 .. M at block[i * blockRow + (c - c0)]. The weight-gradient kernels use
/// it to apply the optimizer's step: the gradient is never written to memory.
struct BlockSink {
  void (*finish)(const void *context, int64_t c0, int64_t width, const float *block,
                 int64_t blockRow);
  const void *context;
};

struct GemmProblem {
  int64_t runs = 1, m = 0, k = 0, n = 0;
  /// [M, K] per run; runStride 0 when shared (wide GEMM). A may be C itself
  /// (same base and strides, K = N, per run): an input gradient written over
  /// the output gradient it is computed from. All of a run's A is then packed
  /// before its C is written. Any other overlap with C makes gemm() copy A.
  StridedRuns a;
  StridedRuns b;      ///< [K, N] per run.
  float *c = nullptr; ///< [M, N] per run, read and written.
  int64_t cRunStride = 0, cRowStride = 0, cColStride = 1;
  /// [M, N] per run: C's start values when base is set (C is then not read).
  StridedRuns init;
  Epilogue epilogue = Epilogue::None;
  /// [M, N] per run: the activation output of the *Slope epilogues. Either
  /// disjoint from C or C itself (same base and strides): the slope applied
  /// in place over the activation output it is computed from.
  StridedRuns gate;
  /// When set, C is neither read nor written (c is unused): the sums start
  /// from init (which must be set) and each finished block goes to the sink.
  const BlockSink *sink = nullptr;
  int64_t firstRun = 0; ///< The index of run 0 in the sink's numbering.
};

/// The longest K block of the blocked product (GemmBlocked.h). With
/// 1 <= K <= kMaxKBlock each tile of C is computed in one pass and stored
/// once, after the tile's gate was read, so a gate that is C itself needs no
/// copy; a longer K stores partial sums into C first, and gemm() then copies
/// the gate aside.
inline constexpr int64_t kMaxKBlock = 256;

/// The one-run problem of run r of `p`. (Not inline: the instruction-set
/// files call it, and their copy of an inline function could be the one the
/// linker keeps for every caller.)
GemmProblem runOf(const GemmProblem &p, int64_t r);

enum class GemmIsa { Portable, Avx2, Avx512 };

const char *gemmIsaName(GemmIsa isa);

/// The instruction sets this machine can run, best last.
std::vector<GemmIsa> availableGemmIsas();

/// The best one (what gemm() uses).
GemmIsa bestGemmIsa();

/// C += A x B as described above, with the best instruction set.
void gemm(const GemmProblem &p);

/// This machine's rate, in FLOP/s on one thread, of the best instruction set
/// on a dense layer's product (128 x 784 x 256), measured for about
/// `seconds`: what `sweepc plan` turns static FLOPs into seconds with.
double measureGemmRate(double seconds);

/// The same with a chosen instruction set (tests compare them all).
void gemmWith(GemmIsa isa, const GemmProblem &p);

namespace detail {
/// Writes init's values of rows [m0, m0 + rows) and columns [c0, c0 + width)
/// (c = r * N + n) into `tile` (row stride tileRow, unit column stride).
void startTile(const GemmProblem &p, int64_t m0, int64_t rows, int64_t c0, int64_t width,
               float *tile, int64_t tileRow);
/// Applies p.epilogue to the same block of finished values.
void finishTile(const GemmProblem &p, int64_t m0, int64_t rows, int64_t c0, int64_t width,
                float *tile, int64_t tileRow);
/// K = 0: C is init (when set) with the epilogue applied (or, with a sink,
/// blocks of those values go to the sink).
void epilogueOnly(const GemmProblem &p);

void gemmPortable(const GemmProblem &p);
void gemmAvx2(const GemmProblem &p);
void gemmAvx512(const GemmProblem &p);
} // namespace detail

} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_GEMM_H
