//===- OptimizerStep.cpp - an optimizer's step on finished gradient blocks -===//
//
// Each block column range is cut into segments of one run; each segment row
// is one loop over its columns: in vectors of the step's instruction set
// (OptimizerRows.h) when every tensor has unit column stride, else one column
// at a time. The per-run branches (momentum or not, Nesterov or not,
// decoupled decay or not) are decided once per segment. The comparisons are
// the update generics' (arith.cmpf une / one).
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/OptimizerStep.h"

#include "runtime/kernels/OptimizerRows.h"

#include <cstdint>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

using namespace sweep;
using namespace sweep::optimizer_rows;

namespace {
#if defined(__SSE2__)
/// The baseline of x86-64: what runs where the CPU has neither AVX2 nor AVX-512.
struct Sse2 {
  using T = __m128;
  static constexpr int kLanes = 4;
  static T set1(float x) { return _mm_set1_ps(x); }
  static T load(const float *p) { return _mm_loadu_ps(p); }
  static void store(float *p, T v) { _mm_storeu_ps(p, v); }
  static void stream(float *p, T v) { _mm_stream_ps(p, v); }
  static T add(T a, T b) { return _mm_add_ps(a, b); }
  static T sub(T a, T b) { return _mm_sub_ps(a, b); }
  static T mul(T a, T b) { return _mm_mul_ps(a, b); }
  static T div(T a, T b) { return _mm_div_ps(a, b); }
  static T sqrt(T a) { return _mm_sqrt_ps(a); }
};
const RowFunctions kBaselineRows = {sgdRows<Sse2>, adamRows<Sse2>};
#else
const RowFunctions kBaselineRows = {
    [](const Row &first, const RowSteps &steps, int64_t rows, bool, const SgdHyper &h) {
      for (int64_t i = 0; i < rows; ++i)
        sgdColumns<true>(rowAt(first, steps, i), 0, h);
    },
    [](const Row &first, const RowSteps &steps, int64_t rows, bool, const AdamHyper &h) {
      for (int64_t i = 0; i < rows; ++i)
        adamColumns<true>(rowAt(first, steps, i), 0, h);
    }};
#endif

const RowFunctions &rowsFor(GemmIsa isa) {
  switch (isa) {
#if defined(__x86_64__)
  case GemmIsa::Avx512:
    return kAvx512Rows;
  case GemmIsa::Avx2:
    return kAvx2Rows;
#endif
  default:
    return kBaselineRows;
  }
}

SgdHyper sgdHyper(float lr, float mu, float wd, float nesterov) {
  return {lr, mu, wd, !(mu == 0.0f) /* cmpf une */,
          nesterov < 0.0f || nesterov > 0.0f /* cmpf one */};
}

/// Run r's segment of `count` rows from `first`: with `rows` (unit rows) in
/// vectors, else one column at a time.
void stepRows(const OptimizerStep &u, const RowFunctions *rows, int64_t r, const Row &first,
              const RowSteps &steps, int64_t count) {
  const PerRun *h = u.hyper;
  switch (u.kind) {
  case UpdateRule::Sgd: {
    const SgdHyper sgd = sgdHyper(h[0][r], h[1][r], h[2][r], h[3][r]);
    if (rows)
      return rows->sgd(first, steps, count, u.streamStores, sgd);
    for (int64_t i = 0; i < count; ++i)
      sgdColumns<false>(rowAt(first, steps, i), 0, sgd);
    return;
  }
  case UpdateRule::Adam:
  case UpdateRule::AdamW: {
    const AdamHyper adam{u.kind == UpdateRule::AdamW, h[0][r], h[1][r], h[2][r], h[3][r],
                         h[4][r], h[5][r], h[6][r]};
    if (rows)
      return rows->adam(first, steps, count, u.streamStores, adam);
    for (int64_t i = 0; i < count; ++i)
      adamColumns<false>(rowAt(first, steps, i), 0, adam);
    return;
  }
  }
}

const float *element(const StridedRuns &t, int64_t r, int64_t m, int64_t n) {
  return t.base ? t.base + r * t.runStride + m * t.rowStride + n * t.colStride : nullptr;
}
float *element(const MutableRuns &t, int64_t r, int64_t m, int64_t n) {
  return t.base ? t.base + r * t.runStride + m * t.rowStride + n * t.colStride : nullptr;
}
} // namespace

int sweep::optimizerStateCount(UpdateRule kind) { return kind == UpdateRule::Sgd ? 1 : 2; }

int sweep::optimizerHyperCount(UpdateRule kind) { return kind == UpdateRule::Sgd ? 4 : 7; }

bool sweep::streamStoresFor(const OptimizerStep &step, int64_t runs, uint64_t budgetBytes) {
  int64_t states = optimizerStateCount(step.kind);
  if (step.kind == UpdateRule::Sgd) {
    states = 0;
    for (int64_t r = 0; r < runs; ++r)
      if (step.hyper[1][r] != 0.0f) // momentum: the test of sgdRow
        states = 1;
  }
  return uint64_t((1 + states) * runs * step.m * step.n) * sizeof(float) > budgetBytes;
}

void sweep::applyOptimizerBlock(const void *context, int64_t c0, int64_t width, const float *block,
                                int64_t blockRow) {
  const OptimizerStep &u = *static_cast<const OptimizerStep *>(context);
  const bool unit = u.param.colStride == 1 && u.state[0].colStride == 1 &&
                    u.newParam.colStride == 1 && u.newState[0].colStride == 1 &&
                    (u.kind == UpdateRule::Sgd ||
                     (u.state[1].colStride == 1 && u.newState[1].colStride == 1));
  const RowFunctions &rows = rowsFor(u.isa);
  for (int64_t c = c0; c < c0 + width;) {
    const int64_t r = c / u.n, n0 = c % u.n;
    const int64_t count = c0 + width - c < u.n - n0 ? c0 + width - c : u.n - n0;
    const Row first{block + (c - c0),
                    element(u.param, r, 0, n0),
                    element(u.state[0], r, 0, n0),
                    element(u.state[1], r, 0, n0),
                    element(u.newParam, r, 0, n0),
                    element(u.newState[0], r, 0, n0),
                    element(u.newState[1], r, 0, n0),
                    count,
                    u.param.colStride,
                    u.state[0].colStride,
                    u.state[1].colStride,
                    u.newParam.colStride,
                    u.newState[0].colStride,
                    u.newState[1].colStride};
    const RowSteps steps{blockRow,
                         u.param.rowStride,
                         u.state[0].rowStride,
                         u.state[1].rowStride,
                         u.newParam.rowStride,
                         u.newState[0].rowStride,
                         u.newState[1].rowStride};
    stepRows(u, unit ? &rows : nullptr, r, first, steps, u.m);
    c += count;
  }
#if defined(__SSE2__)
  _mm_sfence(); // The streamed stores are visible before anything reads them.
#endif
}
