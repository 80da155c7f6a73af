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
#include <new>

namespace {

/// K block: a packed [kKc x NR] panel of B is 32 KiB for NR = 32 and stays
/// in L1 while the row blocks of A stream past it.
constexpr int64_t kKc = sweep::kMaxKBlock;

/// Column block: the C block [M x kNc] stays in L2 across the K blocks (for
/// M = 784, 784 KiB of the 2 MiB).
constexpr int64_t kNc = 256;

inline int64_t minOf(int64_t a, int64_t b) { return a < b ? a : b; }

/// K in blocks of at most kKc, all of one size but the last: 784 is 4 x 196,
/// not 3 x 256 + 16 (a short block pays a tile's loads and stores for few
/// products).
inline int64_t balancedKBlock(int64_t k) {
  if (k <= 0)
    return kKc;
  const int64_t blocks = (k + kKc - 1) / kKc;
  return (k + blocks - 1) / blocks;
}

/// A thread's packing buffer for A, grown on demand and kept between calls.
struct PackBuffer {
  float *data = nullptr;
  int64_t capacity = 0;
  PackBuffer() = default;
  PackBuffer(const PackBuffer &) = delete;
  PackBuffer &operator=(const PackBuffer &) = delete;
  ~PackBuffer() { ::operator delete(data, std::align_val_t(64)); }
  float *reserve(int64_t count) {
    if (count > capacity) {
      ::operator delete(data, std::align_val_t(64));
      data = static_cast<float *>(::operator new(size_t(count) * sizeof(float), std::align_val_t(64)));
      capacity = count;
    }
    return data;
  }
};

/// Packs all of A into MR-row micro-panels, K block by K block: block k0
/// starts at k0 * mPadded, its row tile t at t * kc * MR, element (i, kk) at
/// kk * MR + i. A tile then reads one contiguous stream instead of MR rows
/// (or, for a transposed A, MR-wide slices of kc rows). Rows past M are 0.
template <int MR>
void packA(const sweep::StridedRuns &a, int64_t m, int64_t k, int64_t kcMax, int64_t mPadded,
           float *packed) {
  for (int64_t k0 = 0; k0 < k; k0 += kcMax) {
    const int64_t kc = minOf(kcMax, k - k0);
    for (int64_t m0 = 0; m0 < m; m0 += MR) {
      float *tile = packed + k0 * mPadded + m0 * kc;
      const int64_t rows = minOf(MR, m - m0);
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float *column = a.base + m0 * a.rowStride + (k0 + kk) * a.colStride;
        int64_t i = 0;
        for (; i < rows; ++i)
          tile[kk * MR + i] = column[i * a.rowStride];
        for (; i < MR; ++i)
          tile[kk * MR + i] = 0.0f;
      }
    }
  }
}

/// Where a tile's accumulators start and what happens to them before they
/// are stored: C's own values or another row-strided source (the bias row,
/// zeros), and the epilogues that vector code can apply in registers (relu
/// and the slopes, with the same arithmetic as Activation.h). Each of the
/// tile's NV column vectors has its own address: a vector of a panel that
/// spans runs lies in its own run.
template <int NV> struct TileEnds {
  const float *from[NV];
  int64_t fromRow;
  sweep::Epilogue epilogue = sweep::Epilogue::None;
  const float *gate[NV] = {};
  int64_t gateRow = 0;
};

/// The NV vector addresses of NV * kLanes contiguous columns from `base`.
template <typename I, int NV, typename T> inline void contiguous(T *base, T *(&vectors)[NV]) {
  for (int v = 0; v < NV; ++v)
    vectors[v] = base + v * I::kLanes;
}

/// One Rows x (NV vectors) tile: C = ends(from + A x Bpanel) over kc, one fma
/// per k in order for every element. Vector v of row i is stored at
/// c[v] + i * cRow.
template <typename I, int Rows, int NV>
__attribute__((always_inline)) inline void tile(const float *a, int64_t aRow, int64_t aCol,
                                                const float *panel, int64_t kc, float *const *c,
                                                int64_t cRow, const TileEnds<NV> &ends) {
  constexpr int NR = NV * I::kLanes;
  typename I::V acc[Rows][NV];
  for (int i = 0; i < Rows; ++i)
    for (int v = 0; v < NV; ++v)
      acc[i][v] = I::load(ends.from[v] + i * ends.fromRow);
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
  const typename I::V one = I::broadcast(1.0f);
  for (int i = 0; i < Rows; ++i)
    for (int v = 0; v < NV; ++v) {
      typename I::V &x = acc[i][v];
      const float *gate = ends.gate[v] + i * ends.gateRow;
      switch (ends.epilogue) {
      case sweep::Epilogue::Relu:
        x = I::relu(x);
        break;
      case sweep::Epilogue::ReluSlope:
        x = I::mul(x, I::positive(I::load(gate)));
        break;
      case sweep::Epilogue::TanhSlope: { // 1 - y * y
        typename I::V y = I::load(gate);
        x = I::mul(x, I::sub(one, I::mul(y, y)));
        break;
      }
      case sweep::Epilogue::SigmoidSlope: { // y * (1 - y)
        typename I::V y = I::load(gate);
        x = I::mul(x, I::mul(y, I::sub(one, y)));
        break;
      }
      default:
        break;
      }
      I::store(c[v] + i * cRow, x);
    }
}

/// tile<Rows> for a run-time row count 1..MR.
template <typename I, int MR, int NV>
__attribute__((always_inline)) inline void tileRows(int64_t rows, const float *a, int64_t aRow,
                                                    int64_t aCol, const float *panel, int64_t kc,
                                                    float *const *c, int64_t cRow,
                                                    const TileEnds<NV> &ends) {
  if constexpr (MR > 0) {
    if (rows == MR)
      return tile<I, MR, NV>(a, aRow, aCol, panel, kc, c, cRow, ends);
    return tileRows<I, MR - 1, NV>(rows, a, aRow, aCol, panel, kc, c, cRow, ends);
  }
}

/// Whether the tile can apply `e` in registers given the gate's layout.
inline bool inRegisters(sweep::Epilogue e, const sweep::StridedRuns &gate) {
  switch (e) {
  case sweep::Epilogue::Relu:
    return true;
  case sweep::Epilogue::ReluSlope:
  case sweep::Epilogue::TanhSlope:
  case sweep::Epilogue::SigmoidSlope:
    return gate.colStride == 1;
  default:
    return false;
  }
}

/// One product whose columns are c = r * n + j over all runs: A is shared,
/// or there is one run. Loops, outside in: column blocks of kNc, K blocks of
/// at most kKc (balancedKBlock), panels of NR columns (packed), row blocks of
/// MR over A, packed once (packA) when several panels read its strided
/// columns or C is A. The first K block
/// starts from p.init (when set), the last one applies p.epilogue. With a
/// sink, C is a thread's [M x kNc] block buffer handed to the sink after
/// each column block's last K block.
///
/// A whole panel whose every vector lies in one run (all NR columns in one
/// run, or N a multiple of the vector width: 16-wide layers of many runs) is
/// packed a vector at a time and written in place, each vector at its own
/// run's address; other panels (N = 10, a column-strided C) go through a
/// scratch tile.
template <typename I, int MR, int NV> void blockedWide(const sweep::GemmProblem &p) {
  constexpr int NR = NV * I::kLanes;
  alignas(64) static thread_local float panel[kKc * NR];
  static thread_local PackBuffer packBuffer, blockBuffer;
  alignas(64) static thread_local float scratch[MR * NR];
  alignas(64) static thread_local float gateTile[MR * NR];
  alignas(64) float row[NR];
  int64_t gateOffset[NR];
  // The gathered gate tile has unit column stride.
  const sweep::StridedRuns gateGather{p.gate.base, 0, NR, 1};
  const float *column[NR];
  int64_t cOffset[NR];
  const int64_t cols = p.runs * p.n;
  const bool epilogue = p.epilogue != sweep::Epilogue::None;
  const bool initRow = p.init.base && p.init.colStride == 1;
  // An init broadcast over rows (a bias, a constant) is gathered into `row`
  // once per panel, and every tile of the panel starts from it.
  const bool initBroadcast = p.init.base && p.init.rowStride == 0;
  const int64_t kcMax = balancedKBlock(p.k);
  // A is packed once when more than one column panel reads it with strided
  // columns (a transposed A: each tile would read MR-wide slices of kc rows),
  // and before anything is written when C is A itself (Gemm.h). An A with
  // unit column stride is read in place: its tiles' MR row streams are as
  // fast as the packed one, and packing it (a transpose, element by element)
  // cost a tenth of a per-run product. Measured: per-run forward 192 -> 210
  // GFLOP/s, input gradient 150 -> 176 (docs/performance.md).
  const int64_t mPadded = (p.m + MR - 1) / MR * MR;
  const float *packed = nullptr;
  if ((cols > NR && p.a.colStride != 1) || p.a.base == p.c) {
    float *buffer = packBuffer.reserve(mPadded * p.k);
    packA<MR>(p.a, p.m, p.k, kcMax, mPadded, buffer);
    packed = buffer;
  }
  // C's view: the caller's C, or the block buffer (row stride kNc, column
  // c at c - block) when the sums go to a sink.
  float *const cBase = p.sink ? blockBuffer.reserve(p.m * kNc) : p.c;
  const int64_t cRow = p.sink ? kNc : p.cRowStride;
  // Whether the panel at c0 is whole and each of its vectors lies in one
  // run (c0 is a multiple of NR, so N a multiple of the vector width does).
  const auto vectorInRun = [&](int64_t c0) {
    return c0 + NR <= cols && (p.n % I::kLanes == 0 || c0 / p.n == (c0 + NR - 1) / p.n);
  };
  for (int64_t block = 0; block < cols; block += kNc) {
    for (int64_t k0 = 0; k0 < p.k; k0 += kcMax) {
      const int64_t kc = minOf(kcMax, p.k - k0);
      const bool start = k0 == 0 && p.init.base, finish = k0 + kc == p.k && epilogue;
      for (int64_t c0 = block; c0 < minOf(block + kNc, cols); c0 += NR) {
        const int64_t width = minOf(NR, cols - c0);
        for (int64_t j = 0; j < width; ++j) {
          int64_t r = (c0 + j) / p.n, n = (c0 + j) % p.n;
          column[j] = p.b.base + r * p.b.runStride + n * p.b.colStride + k0 * p.b.rowStride;
          cOffset[j] = p.sink ? c0 + j - block : r * p.cRunStride + n * p.cColStride;
          gateOffset[j] = r * p.gate.runStride + n * p.gate.colStride;
        }
        const bool oneRun = width == NR && c0 / p.n == (c0 + NR - 1) / p.n;
        const bool vectors = vectorInRun(c0);
        // Pack B[k0:k0+kc, c0:c0+NR] by rows; missing columns are zero. The
        // columns of a vector that lies in one run are copied at once.
        if (vectors && p.b.colStride == 1) {
          // The next panel's rows are fetched while this one is multiplied:
          // B (a first layer's weights) streams from memory once per step,
          // and its rows are too far apart for the hardware prefetcher.
          const int64_t next = c0 + NR;
          const bool fetch = vectorInRun(next);
          const float *ahead[NV];
          for (int v = 0; v < NV; ++v) {
            const int64_t c = next + v * I::kLanes;
            ahead[v] = fetch ? p.b.base + c / p.n * p.b.runStride + c % p.n + k0 * p.b.rowStride
                             : nullptr;
          }
          for (int64_t kk = 0; kk < kc; ++kk) {
            for (int v = 0; v < NV; ++v)
              I::store(panel + kk * NR + v * I::kLanes,
                       I::load(column[v * I::kLanes] + kk * p.b.rowStride));
            if (fetch)
              for (int v = 0; v < NV; v += (16 + I::kLanes - 1) / I::kLanes)
                __builtin_prefetch(ahead[v] + kk * p.b.rowStride);
          }
        } else if (oneRun && p.b.rowStride == 1 && p.b.colStride < (int64_t(1) << 31) / NR) {
          // A transposed B (a weight read as W^T by the input gradient): the
          // panel's columns are NR rows of W. Blocks of kLanes x kLanes are
          // transposed in registers; the last kc % kLanes panel rows gather
          // one element from each row. Regression (speed): gathering every
          // row cost a third of the input gradient's time.
          const int32_t stride = int32_t(p.b.colStride);
          int64_t kk = 0;
          for (; kk + I::kLanes <= kc; kk += I::kLanes)
            for (int v = 0; v < NV; ++v)
              I::transpose(column[0] + kk + v * I::kLanes * p.b.colStride, p.b.colStride,
                           panel + kk * NR + v * I::kLanes, NR);
          for (; kk < kc; ++kk)
            for (int v = 0; v < NV; ++v)
              I::store(panel + kk * NR + v * I::kLanes,
                       I::gather(column[0] + kk + v * I::kLanes * p.b.colStride, stride));
        } else {
          for (int64_t kk = 0; kk < kc; ++kk) {
            float *row = panel + kk * NR;
            int64_t j = 0;
            for (; j < width; ++j)
              row[j] = column[j][kk * p.b.rowStride];
            for (; j < NR; ++j)
              row[j] = 0.0f;
          }
        }
        if (start && initBroadcast) {
          int64_t j = 0;
          for (; j < width; ++j)
            row[j] = p.init.base[(c0 + j) / p.n * p.init.runStride +
                                 (c0 + j) % p.n * p.init.colStride];
          for (; j < NR; ++j)
            row[j] = 0.0f;
        }
        // Write C in place when each vector has unit-stride columns in one
        // run (the sink's block buffer: all NR columns side by side). The
        // start values and the epilogue must then be read per vector, or
        // over NR contiguous columns.
        const bool contiguousC = width == NR && (p.sink || (oneRun && p.cColStride == 1));
        const bool fastFinish =
            finish && inRegisters(p.epilogue, p.gate) &&
            (vectors || p.epilogue == sweep::Epilogue::Relu);
        const bool direct =
            (contiguousC || (vectors && p.cColStride == 1)) &&
            (contiguousC || !start || initBroadcast || initRow) &&
            (contiguousC || !finish || fastFinish);
        const int64_t aRow = packed ? 1 : p.a.rowStride, aCol = packed ? MR : p.a.colStride;
        for (int64_t m0 = 0; m0 < p.m; m0 += MR) {
          const int64_t rows = minOf(MR, p.m - m0);
          const float *a = packed ? packed + k0 * mPadded + m0 * kc
                                  : p.a.base + m0 * p.a.rowStride + k0 * p.a.colStride;
          if (direct) {
            float *c[NV];
            for (int v = 0; v < NV; ++v)
              c[v] = cBase + cOffset[v * I::kLanes] + m0 * cRow;
            TileEnds<NV> ends{{}, cRow};
            for (int v = 0; v < NV; ++v)
              ends.from[v] = c[v];
            if (start && initBroadcast) {
              contiguous<I>(static_cast<const float *>(row), ends.from), ends.fromRow = 0;
            } else if (start && initRow && vectors) {
              for (int v = 0; v < NV; ++v) {
                const int64_t col = c0 + v * I::kLanes;
                ends.from[v] = p.init.base + col / p.n * p.init.runStride +
                               m0 * p.init.rowStride + col % p.n;
              }
              ends.fromRow = p.init.rowStride;
            } else if (start) {
              sweep::detail::startTile(p, m0, rows, c0, width, c[0], cRow);
            }
            if (fastFinish) {
              ends.epilogue = p.epilogue;
              if (p.gate.base)
                for (int v = 0; v < NV; ++v)
                  ends.gate[v] = p.gate.base + gateOffset[v * I::kLanes] + m0 * p.gate.rowStride;
              ends.gateRow = p.gate.rowStride;
            }
            tileRows<I, MR, NV>(rows, a, aRow, aCol, panel, kc, c, cRow, ends);
            if (finish && !fastFinish)
              sweep::detail::finishTile(p, m0, rows, c0, width, c[0], cRow);
            continue;
          }
          // The tile starts from the gathered init row, or from scratch (the
          // init or C gathered, the columns past `width` zero).
          TileEnds<NV> ends{{}, 0};
          contiguous<I>(static_cast<const float *>(row), ends.from);
          if (!(start && initBroadcast)) {
            if (start) {
              sweep::detail::startTile(p, m0, rows, c0, width, scratch, NR);
            } else {
              for (int64_t i = 0; i < rows; ++i) {
                const float *out = cBase + (m0 + i) * cRow;
                for (int64_t j = 0; j < width; ++j)
                  scratch[i * NR + j] = out[cOffset[j]];
              }
            }
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = width; j < NR; ++j)
                scratch[i * NR + j] = 0.0f;
            contiguous<I>(static_cast<const float *>(scratch), ends.from), ends.fromRow = NR;
          }
          // The gate gathered like C, so that the epilogue runs in registers.
          const bool fast = finish && inRegisters(p.epilogue, gateGather);
          if (fast) {
            ends.epilogue = p.epilogue, ends.gateRow = NR;
            contiguous<I>(static_cast<const float *>(gateTile), ends.gate);
            if (p.gate.base)
              for (int64_t i = 0; i < rows; ++i) {
                const float *gate = p.gate.base + (m0 + i) * p.gate.rowStride;
                for (int64_t j = 0; j < width; ++j)
                  gateTile[i * NR + j] = gate[gateOffset[j]];
              }
          }
          float *c[NV];
          contiguous<I>(static_cast<float *>(scratch), c);
          tileRows<I, MR, NV>(rows, a, aRow, aCol, panel, kc, c, NR, ends);
          if (finish && !fast)
            sweep::detail::finishTile(p, m0, rows, c0, width, scratch, NR);
          for (int64_t i = 0; i < rows; ++i) {
            float *out = cBase + (m0 + i) * cRow;
            for (int64_t j = 0; j < width; ++j)
              out[cOffset[j]] = scratch[i * NR + j];
          }
        }
      }
    }
    if (p.sink)
      p.sink->finish(p.sink->context, p.firstRun * p.n + block, minOf(kNc, cols - block), cBase,
                     cRow);
  }
}

/// Shared A: one wide product. Per-run A: one product per run. A run's
/// product no wider than one vector (a 10-class output layer, a 16-wide
/// hidden layer's input gradient) takes NarrowMR x 1-vector tiles when
/// NarrowMR > 0: the MR x NV-vector tile would compute NV - 1 vectors of
/// zeros, and a one-vector panel of a 16-wide run is whole, so it is packed
/// and written in place.
template <typename I, int MR, int NV, int NarrowMR = 0>
void blocked(const sweep::GemmProblem &p) {
  if (p.runs <= 0 || p.m <= 0 || p.n <= 0)
    return;
  if (p.k <= 0)
    return sweep::detail::epilogueOnly(p);
  const bool wide = p.a.runStride == 0 || p.runs == 1;
  if constexpr (NarrowMR > 0) {
    if (p.n <= I::kLanes && (!wide || p.runs == 1)) {
      for (int64_t r = 0; r < p.runs; ++r)
        blockedWide<I, NarrowMR, 1>(p.runs == 1 ? p : sweep::runOf(p, r));
      return;
    }
  }
  if (wide)
    return blockedWide<I, MR, NV>(p);
  for (int64_t r = 0; r < p.runs; ++r)
    blockedWide<I, MR, NV>(sweep::runOf(p, r));
}

} // namespace

#endif // SWEEP_RUNTIME_KERNELS_GEMMBLOCKED_H
