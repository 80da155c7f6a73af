//===- OptimizerRows.h - an optimizer's step over one row of one run -*- C++ -*-===//
//
// The loops of applyOptimizerBlock (OptimizerStep.cpp): one row of one run,
// every tensor with unit column stride, in vectors of an instruction set's
// width (the traits V: SSE2 in OptimizerStep.cpp, AVX2 and AVX-512 in their
// own files, built with their -m flags) and the row's last columns one at a
// time. Every lane does the scalar loop's operations in its order, each
// rounded on its own (the library is built without contraction): the same
// bits whichever width runs. Adam's step is three divisions and a square root
// per element, bound by the divider: 16 lanes take it about as long per
// instruction as 4, so the widest set the CPU has is chosen.
//
// The new tensors are written with non-temporal stores where the step asks
// for them (streamStoresFor: past the cache budget the planner keeps chunks
// within) and a row's written pointers are aligned to the vector: a first
// layer's parameter and state are tens of MB, read back only at the next
// step, and a normal store would first read each line it writes (a third
// more memory traffic in this memory-bound pass).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_OPTIMIZERROWS_H
#define SWEEP_RUNTIME_KERNELS_OPTIMIZERROWS_H

#include <cstdint>

namespace sweep::optimizer_rows {

/// One row of one run: `count` columns of every tensor. The gradient's are
/// contiguous; the others' strides are 1 for the vector loops (a unit row).
struct Row {
  const float *grad, *param, *state0, *state1;
  float *newParam, *newState0, *newState1;
  int64_t count;
  int64_t paramCol = 1, state0Col = 1, state1Col = 1;
  int64_t newParamCol = 1, newState0Col = 1, newState1Col = 1;
};

struct SgdHyper {
  float lr, mu, wd;
  bool hasMomentum, nesterov;
};

struct AdamHyper {
  bool decoupled;
  float lr, beta1, beta2, eps, wd, correction1, correction2;
};

/// How far apart a segment's rows are in each tensor (in elements).
struct RowSteps {
  int64_t grad, param, state0, state1, newParam, newState0, newState1;
};

/// Row i of the segment whose row 0 is `s` (a tensor the step lacks stays null).
inline Row rowAt(const Row &s, const RowSteps &d, int64_t i) {
  Row r = s;
  r.grad += i * d.grad;
  r.param += i * d.param;
  r.state0 = s.state0 ? s.state0 + i * d.state0 : nullptr;
  r.state1 = s.state1 ? s.state1 + i * d.state1 : nullptr;
  r.newParam += i * d.newParam;
  r.newState0 = s.newState0 ? s.newState0 + i * d.newState0 : nullptr;
  r.newState1 = s.newState1 ? s.newState1 + i * d.newState1 : nullptr;
  return r;
}

/// One instruction set's rows (OptimizerStep.cpp picks by the step's isa):
/// `rows` rows of one run's segment, from `first` by `steps`. One call per
/// segment, not per row: a 16-wide layer's row is one vector, and a call,
/// its hyperparameters and pointers per row cost more than its arithmetic.
struct RowFunctions {
  void (*sgd)(const Row &first, const RowSteps &steps, int64_t rows, bool stream,
              const SgdHyper &);
  void (*adam)(const Row &first, const RowSteps &steps, int64_t rows, bool stream,
               const AdamHyper &);
};
extern const RowFunctions kAvx2Rows;   // OptimizerStepAvx2.cpp
extern const RowFunctions kAvx512Rows; // OptimizerStepAvx512.cpp

// The loops sit in an anonymous namespace and call no standard-library
// function (__builtin_sqrtf, not std::sqrt): an inline function compiled in
// the AVX-512 file must never be the copy the linker keeps for the rest of
// the program.
namespace {

template <bool Unit> inline int64_t at(int64_t stride, int64_t j) {
  return Unit ? j : j * stride;
}

/// Columns from..count of an SGD row, one at a time (Unit: every stride is
/// 1). Without momentum the buffer takes no part in the step: it is neither
/// read nor written (train.sgd leaves new_buffer unspecified for such a
/// run), which halves this memory-bound pass for plain SGD.
template <bool Unit> void sgdColumns(const Row &s, int64_t from, const SgdHyper &h) {
  for (int64_t j = from; j < s.count; ++j) {
    const float w = s.param[at<Unit>(s.paramCol, j)];
    const float g = s.grad[j] + h.wd * w;
    if (!h.hasMomentum) {
      s.newParam[at<Unit>(s.newParamCol, j)] = w - h.lr * g;
      continue;
    }
    const float buffer = h.mu * s.state0[at<Unit>(s.state0Col, j)] + g;
    const float step = h.nesterov ? g + h.mu * buffer : buffer;
    s.newParam[at<Unit>(s.newParamCol, j)] = w - h.lr * step;
    s.newState0[at<Unit>(s.newState0Col, j)] = buffer;
  }
}

template <bool Unit> void adamColumns(const Row &s, int64_t from, const AdamHyper &h) {
  const float oneMinusBeta1 = 1.0f - h.beta1, oneMinusBeta2 = 1.0f - h.beta2;
  const float rootCorrection2 = __builtin_sqrtf(h.correction2);
  for (int64_t j = from; j < s.count; ++j) {
    float w = s.param[at<Unit>(s.paramCol, j)];
    float g = s.grad[j];
    if (h.decoupled)
      w = w - h.lr * h.wd * w;
    else
      g = g + h.wd * w;
    const float m = h.beta1 * s.state0[at<Unit>(s.state0Col, j)] + oneMinusBeta1 * g;
    const float v = h.beta2 * s.state1[at<Unit>(s.state1Col, j)] + oneMinusBeta2 * g * g;
    const float denominator = __builtin_sqrtf(v) / rootCorrection2 + h.eps;
    s.newParam[at<Unit>(s.newParamCol, j)] = w - h.lr * (m / h.correction1) / denominator;
    s.newState0[at<Unit>(s.newState0Col, j)] = m;
    s.newState1[at<Unit>(s.newState1Col, j)] = v;
  }
}

/// Whether every pointer the row writes is aligned for V's streaming store.
template <class V> bool streamable(const Row &s, int states) {
  uintptr_t written = uintptr_t(s.newParam) | (states > 0 ? uintptr_t(s.newState0) : 0) |
                      (states > 1 ? uintptr_t(s.newState1) : 0);
  return written % (V::kLanes * sizeof(float)) == 0;
}

template <class V, bool Stream> inline void put(float *p, typename V::T v) {
  if constexpr (Stream)
    V::stream(p, v);
  else
    V::store(p, v);
}

template <class V, bool Stream> int64_t sgdVectors(const Row &s, const SgdHyper &h) {
  using T = typename V::T;
  const T lr = V::set1(h.lr), mu = V::set1(h.mu), wd = V::set1(h.wd);
  int64_t j = 0;
  for (; j + V::kLanes <= s.count; j += V::kLanes) {
    const T w = V::load(s.param + j);
    const T g = V::add(V::load(s.grad + j), V::mul(wd, w));
    if (!h.hasMomentum) {
      put<V, Stream>(s.newParam + j, V::sub(w, V::mul(lr, g)));
      continue;
    }
    const T buffer = V::add(V::mul(mu, V::load(s.state0 + j)), g);
    const T step = h.nesterov ? V::add(g, V::mul(mu, buffer)) : buffer;
    put<V, Stream>(s.newParam + j, V::sub(w, V::mul(lr, step)));
    put<V, Stream>(s.newState0 + j, buffer);
  }
  return j;
}

template <class V, bool Stream> int64_t adamVectors(const Row &s, const AdamHyper &h) {
  using T = typename V::T;
  const T lr = V::set1(h.lr), wd = V::set1(h.wd), beta1 = V::set1(h.beta1),
          beta2 = V::set1(h.beta2), eps = V::set1(h.eps);
  const T oneMinusBeta1 = V::set1(1.0f - h.beta1), oneMinusBeta2 = V::set1(1.0f - h.beta2);
  const T correction1 = V::set1(h.correction1),
          rootCorrection2 = V::set1(__builtin_sqrtf(h.correction2));
  const T lrTimesDecay = V::set1(h.lr * h.wd);
  int64_t j = 0;
  for (; j + V::kLanes <= s.count; j += V::kLanes) {
    T w = V::load(s.param + j);
    T g = V::load(s.grad + j);
    if (h.decoupled)
      w = V::sub(w, V::mul(lrTimesDecay, w));
    else
      g = V::add(g, V::mul(wd, w));
    const T m = V::add(V::mul(beta1, V::load(s.state0 + j)), V::mul(oneMinusBeta1, g));
    const T v = V::add(V::mul(beta2, V::load(s.state1 + j)), V::mul(V::mul(oneMinusBeta2, g), g));
    const T denominator = V::add(V::div(V::sqrt(v), rootCorrection2), eps);
    put<V, Stream>(s.newParam + j,
                   V::sub(w, V::div(V::mul(lr, V::div(m, correction1)), denominator)));
    put<V, Stream>(s.newState0 + j, m);
    put<V, Stream>(s.newState1 + j, v);
  }
  return j;
}

/// Each whole row: vectors (streamed where asked and aligned), then the rest.
template <class V>
void sgdRows(const Row &first, const RowSteps &steps, int64_t rows, bool stream,
             const SgdHyper &h) {
  for (int64_t i = 0; i < rows; ++i) {
    const Row s = rowAt(first, steps, i);
    const bool streamed = stream && streamable<V>(s, h.hasMomentum ? 1 : 0);
    const int64_t done = streamed ? sgdVectors<V, true>(s, h) : sgdVectors<V, false>(s, h);
    sgdColumns<true>(s, done, h);
  }
}

template <class V>
void adamRows(const Row &first, const RowSteps &steps, int64_t rows, bool stream,
              const AdamHyper &h) {
  for (int64_t i = 0; i < rows; ++i) {
    const Row s = rowAt(first, steps, i);
    const bool streamed = stream && streamable<V>(s, 2);
    const int64_t done = streamed ? adamVectors<V, true>(s, h) : adamVectors<V, false>(s, h);
    adamColumns<true>(s, done, h);
  }
}

} // namespace
} // namespace sweep::optimizer_rows

#endif // SWEEP_RUNTIME_KERNELS_OPTIMIZERROWS_H
