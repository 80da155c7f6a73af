//===- OptimizerStep.cpp - an optimizer's step on finished gradient blocks -===//
//
// Each block column range is cut into segments of one run; each segment row
// is one loop over contiguous columns (vectorized when every tensor has unit
// column stride). The per-run branches (momentum or not, Nesterov or not,
// decoupled decay or not) are taken once per segment, outside the loops.
// The comparisons are the update generics' (arith.cmpf une / one).
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/OptimizerStep.h"

#include <cmath>
#include <cstdint>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

using namespace sweep;

namespace {
/// One row of one run: columns n0 .. n0 + count of every tensor.
struct Segment {
  const float *grad;
  const float *param, *state0, *state1;
  float *newParam, *newState0, *newState1;
  int64_t paramCol, state0Col, state1Col, newParamCol, newState0Col, newState1Col;
  int64_t count;
};

template <bool Unit> inline int64_t at(int64_t stride, int64_t j) { return Unit ? j : j * stride; }

#if defined(__SSE2__)
/// Whether a row can take the streaming path: unit strides, whole vectors,
/// and every written row 16-byte aligned.
bool streamable(const Segment &s, int states) {
  uintptr_t written = uintptr_t(s.newParam) | uintptr_t(s.newState0) |
                      (states > 1 ? uintptr_t(s.newState1) : 0);
  return s.count % 4 == 0 && written % 16 == 0;
}

/// The new tensors are written with non-temporal stores: a first layer's
/// parameter and state are tens of MB, read back only at the next step, and
/// a normal store would first read each line it writes (a third more memory
/// traffic in this memory-bound pass). Same operations per lane as the
/// scalar loops below.
void sgdStream(const Segment &s, float lr, float mu, float wd, bool hasMomentum, bool nesterov) {
  const __m128 vlr = _mm_set1_ps(lr), vmu = _mm_set1_ps(mu), vwd = _mm_set1_ps(wd);
  for (int64_t j = 0; j < s.count; j += 4) {
    const __m128 w = _mm_loadu_ps(s.param + j);
    const __m128 g = _mm_add_ps(_mm_loadu_ps(s.grad + j), _mm_mul_ps(vwd, w));
    if (!hasMomentum) { // The buffer is not used (see sgdRow).
      _mm_stream_ps(s.newParam + j, _mm_sub_ps(w, _mm_mul_ps(vlr, g)));
      continue;
    }
    const __m128 newBuffer = _mm_add_ps(_mm_mul_ps(vmu, _mm_loadu_ps(s.state0 + j)), g);
    const __m128 step = nesterov ? _mm_add_ps(g, _mm_mul_ps(vmu, newBuffer)) : newBuffer;
    _mm_stream_ps(s.newParam + j, _mm_sub_ps(w, _mm_mul_ps(vlr, step)));
    _mm_stream_ps(s.newState0 + j, newBuffer);
  }
}

void adamStream(const Segment &s, bool decoupled, float lr, float beta1, float beta2, float eps,
                float wd, float correction1, float correction2) {
  const __m128 vlr = _mm_set1_ps(lr), vwd = _mm_set1_ps(wd), vb1 = _mm_set1_ps(beta1),
               vb2 = _mm_set1_ps(beta2), veps = _mm_set1_ps(eps);
  const __m128 oneMinusBeta1 = _mm_set1_ps(1.0f - beta1), oneMinusBeta2 = _mm_set1_ps(1.0f - beta2);
  const __m128 c1 = _mm_set1_ps(correction1), rootC2 = _mm_set1_ps(std::sqrt(correction2));
  const __m128 lrTimesDecay = _mm_set1_ps(lr * wd);
  for (int64_t j = 0; j < s.count; j += 4) {
    __m128 w = _mm_loadu_ps(s.param + j);
    __m128 g = _mm_loadu_ps(s.grad + j);
    if (decoupled)
      w = _mm_sub_ps(w, _mm_mul_ps(lrTimesDecay, w));
    else
      g = _mm_add_ps(g, _mm_mul_ps(vwd, w));
    const __m128 m =
        _mm_add_ps(_mm_mul_ps(vb1, _mm_loadu_ps(s.state0 + j)), _mm_mul_ps(oneMinusBeta1, g));
    const __m128 v = _mm_add_ps(_mm_mul_ps(vb2, _mm_loadu_ps(s.state1 + j)),
                                _mm_mul_ps(_mm_mul_ps(oneMinusBeta2, g), g));
    const __m128 denominator = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(v), rootC2), veps);
    _mm_stream_ps(s.newParam + j,
                  _mm_sub_ps(w, _mm_div_ps(_mm_mul_ps(vlr, _mm_div_ps(m, c1)), denominator)));
    _mm_stream_ps(s.newState0 + j, m);
    _mm_stream_ps(s.newState1 + j, v);
  }
}
#endif

template <bool Unit>
void sgdRow(const Segment &s, bool stream, float lr, float mu, float wd, float nesterov) {
  const bool hasMomentum = !(mu == 0.0f);               // cmpf une
  const bool isNesterov = nesterov < 0.0f || nesterov > 0.0f; // cmpf one
#if defined(__SSE2__)
  if (Unit && stream && streamable(s, 1))
    return sgdStream(s, lr, mu, wd, hasMomentum, isNesterov);
#endif
  if (!hasMomentum) {
    // Without momentum the buffer takes no part in the step: it is neither
    // read nor written (train.sgd leaves new_buffer unspecified for such a
    // run), which halves this memory-bound pass for plain SGD.
    for (int64_t j = 0; j < s.count; ++j) {
      const float w = s.param[at<Unit>(s.paramCol, j)];
      const float g = s.grad[j] + wd * w;
      s.newParam[at<Unit>(s.newParamCol, j)] = w - lr * g;
    }
    return;
  }
  for (int64_t j = 0; j < s.count; ++j) {
    const float w = s.param[at<Unit>(s.paramCol, j)];
    const float g = s.grad[j] + wd * w;
    const float buffer = mu * s.state0[at<Unit>(s.state0Col, j)] + g;
    const float step = isNesterov ? g + mu * buffer : buffer;
    s.newParam[at<Unit>(s.newParamCol, j)] = w - lr * step;
    s.newState0[at<Unit>(s.newState0Col, j)] = buffer;
  }
}

template <bool Unit>
void adamRow(const Segment &s, bool stream, bool decoupled, float lr, float beta1, float beta2,
             float eps, float wd, float correction1, float correction2) {
#if defined(__SSE2__)
  if (Unit && stream && streamable(s, 2))
    return adamStream(s, decoupled, lr, beta1, beta2, eps, wd, correction1, correction2);
#endif
  const float oneMinusBeta1 = 1.0f - beta1, oneMinusBeta2 = 1.0f - beta2;
  const float rootCorrection2 = std::sqrt(correction2);
  for (int64_t j = 0; j < s.count; ++j) {
    float w = s.param[at<Unit>(s.paramCol, j)];
    float g = s.grad[j];
    if (decoupled)
      w = w - lr * wd * w;
    else
      g = g + wd * w;
    const float m = beta1 * s.state0[at<Unit>(s.state0Col, j)] + oneMinusBeta1 * g;
    const float v = beta2 * s.state1[at<Unit>(s.state1Col, j)] + oneMinusBeta2 * g * g;
    const float denominator = std::sqrt(v) / rootCorrection2 + eps;
    s.newParam[at<Unit>(s.newParamCol, j)] = w - lr * (m / correction1) / denominator;
    s.newState0[at<Unit>(s.newState0Col, j)] = m;
    s.newState1[at<Unit>(s.newState1Col, j)] = v;
  }
}

template <bool Unit> void stepRow(const OptimizerStep &u, int64_t r, const Segment &s) {
  const PerRun *h = u.hyper;
  switch (u.kind) {
  case UpdateRule::Sgd:
    return sgdRow<Unit>(s, u.streamStores, h[0][r], h[1][r], h[2][r], h[3][r]);
  case UpdateRule::Adam:
  case UpdateRule::AdamW:
    return adamRow<Unit>(s, u.streamStores, u.kind == UpdateRule::AdamW, h[0][r], h[1][r],
                         h[2][r], h[3][r], h[4][r], h[5][r], h[6][r]);
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

bool sweep::streamStoresFor(const OptimizerStep &step, int64_t runs) {
  int64_t states = optimizerStateCount(step.kind);
  if (step.kind == UpdateRule::Sgd) {
    states = 0;
    for (int64_t r = 0; r < runs; ++r)
      if (step.hyper[1][r] != 0.0f) // momentum: the test of sgdRow
        states = 1;
  }
  return (1 + states) * runs * step.m * step.n * int64_t(sizeof(float)) > kStreamStoresAbove;
}

void sweep::applyOptimizerBlock(const void *context, int64_t c0, int64_t width, const float *block,
                                int64_t blockRow) {
  const OptimizerStep &u = *static_cast<const OptimizerStep *>(context);
  const bool unit = u.param.colStride == 1 && u.state[0].colStride == 1 &&
                    u.newParam.colStride == 1 && u.newState[0].colStride == 1 &&
                    (u.kind == UpdateRule::Sgd ||
                     (u.state[1].colStride == 1 && u.newState[1].colStride == 1));
  for (int64_t c = c0; c < c0 + width;) {
    const int64_t r = c / u.n, n0 = c % u.n;
    const int64_t count = c0 + width - c < u.n - n0 ? c0 + width - c : u.n - n0;
    for (int64_t i = 0; i < u.m; ++i) {
      Segment s{block + i * blockRow + (c - c0),
                element(u.param, r, i, n0),
                element(u.state[0], r, i, n0),
                element(u.state[1], r, i, n0),
                element(u.newParam, r, i, n0),
                element(u.newState[0], r, i, n0),
                element(u.newState[1], r, i, n0),
                u.param.colStride,
                u.state[0].colStride,
                u.state[1].colStride,
                u.newParam.colStride,
                u.newState[0].colStride,
                u.newState[1].colStride,
                count};
      if (unit)
        stepRow<true>(u, r, s);
      else
        stepRow<false>(u, r, s);
    }
    c += count;
  }
#if defined(__SSE2__)
  _mm_sfence(); // The streamed stores are visible before anything reads them.
#endif
}
