//===- GemmEpilogue.cpp - start values and epilogues of product tiles -----===//
//
// The part of a tile's start and end that the vector code of GemmBlocked.h
// does not do in registers: start values that are not a contiguous row (a
// bias read through a column stride), tanh and sigmoid (an exp32 per element),
// and any epilogue on K = 0. Called once per MR x NR tile, before its first K
// block or after its last one, so the tile is still in L1 and the layer's
// output is written to memory once. Built for the baseline instruction set
// (tanh and sigmoid also with FMA) with the interpreter's activation formulas
// (Activation.h), without floating-point contraction.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/Activation.h"
#include "runtime/kernels/FmaTarget.h"
#include "runtime/kernels/Gemm.h"

#include <vector>

using namespace sweep;

namespace {
/// Tiles are at most this wide (NR is 32 for AVX-512).
constexpr int64_t kMaxWidth = 64;

/// Offsets of columns c0 .. c0 + width (c = r * N + n) in a strided operand:
/// one division per column, not per element.
void columnOffsets(const StridedRuns &s, int64_t n, int64_t c0, int64_t width, int64_t *offset) {
  for (int64_t j = 0; j < width; ++j)
    offset[j] = (c0 + j) / n * s.runStride + (c0 + j) % n * s.colStride;
}

template <typename Slope>
void multiplyBySlope(const GemmProblem &p, int64_t m0, int64_t rows, int64_t c0, int64_t width,
                     float *tile, int64_t tileRow, Slope slope) {
  int64_t offset[kMaxWidth];
  columnOffsets(p.gate, p.n, c0, width, offset);
  for (int64_t i = 0; i < rows; ++i) {
    const float *gate = p.gate.base + (m0 + i) * p.gate.rowStride;
    float *row = tile + i * tileRow;
    for (int64_t j = 0; j < width; ++j)
      row[j] = row[j] * slope(gate[offset[j]]);
  }
}

template <typename F>
void applyToTile(int64_t rows, int64_t width, float *tile, int64_t tileRow, F f) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < width; ++j)
      tile[i * tileRow + j] = f(tile[i * tileRow + j]);
}

// tanh and sigmoid built twice (FmaTarget.h): exp32's fused multiply-adds
// are instructions where the CPU has them, and the loop vectorizes.
SWEEP_WITH_FMA void tanhTileFma(int64_t rows, int64_t width, float *tile, int64_t tileRow) {
  applyToTile(rows, width, tile, tileRow, activation::tanh<float>);
}
SWEEP_WITH_FMA void sigmoidTileFma(int64_t rows, int64_t width, float *tile, int64_t tileRow) {
  applyToTile(rows, width, tile, tileRow, activation::sigmoid<float>);
}
} // namespace

void detail::startTile(const GemmProblem &p, int64_t m0, int64_t rows, int64_t c0, int64_t width,
                       float *tile, int64_t tileRow) {
  int64_t offset[kMaxWidth];
  columnOffsets(p.init, p.n, c0, width, offset);
  for (int64_t i = 0; i < rows; ++i) {
    const float *init = p.init.base + (m0 + i) * p.init.rowStride;
    for (int64_t j = 0; j < width; ++j)
      tile[i * tileRow + j] = init[offset[j]];
  }
}

void detail::finishTile(const GemmProblem &p, int64_t m0, int64_t rows, int64_t c0, int64_t width,
                        float *tile, int64_t tileRow) {
  switch (p.epilogue) {
  case Epilogue::None:
    return;
  case Epilogue::Relu:
    return applyToTile(rows, width, tile, tileRow, activation::relu<float>);
  case Epilogue::Tanh:
    if (cpuHasFma())
      return tanhTileFma(rows, width, tile, tileRow);
    return applyToTile(rows, width, tile, tileRow, activation::tanh<float>);
  case Epilogue::Sigmoid:
    if (cpuHasFma())
      return sigmoidTileFma(rows, width, tile, tileRow);
    return applyToTile(rows, width, tile, tileRow, activation::sigmoid<float>);
  case Epilogue::ReluSlope:
    return multiplyBySlope(p, m0, rows, c0, width, tile, tileRow, activation::reluSlope<float>);
  case Epilogue::TanhSlope:
    return multiplyBySlope(p, m0, rows, c0, width, tile, tileRow, activation::tanhSlope<float>);
  case Epilogue::SigmoidSlope:
    return multiplyBySlope(p, m0, rows, c0, width, tile, tileRow, activation::sigmoidSlope<float>);
  }
}

void detail::epilogueOnly(const GemmProblem &p) {
  if (p.sink) {
    // One row of one column at a time: K = 0 (an empty batch) is rare.
    for (int64_t r = 0; r < p.runs; ++r)
      for (int64_t n = 0; n < p.n; ++n) {
        const int64_t c = r * p.n + n;
        std::vector<float> column(size_t(p.m));
        for (int64_t m = 0; m < p.m; ++m) {
          startTile(p, m, 1, c, 1, &column[size_t(m)], 0);
          finishTile(p, m, 1, c, 1, &column[size_t(m)], 0);
        }
        p.sink->finish(p.sink->context, p.firstRun * p.n + c, 1, column.data(), 1);
      }
    return;
  }
  for (int64_t r = 0; r < p.runs; ++r)
    for (int64_t m = 0; m < p.m; ++m) {
      float *row = p.c + r * p.cRunStride + m * p.cRowStride;
      for (int64_t n = 0; n < p.n; ++n) {
        float &v = row[n * p.cColStride];
        if (p.init.base)
          startTile(p, m, 1, r * p.n + n, 1, &v, 0);
        finishTile(p, m, 1, r * p.n + n, 1, &v, 0);
      }
    }
}
