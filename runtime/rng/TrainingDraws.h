//===- TrainingDraws.h - initial weights and dropout masks ------*- C++ -*-===//
//
// The random numbers of a training run, defined once for every backend:
// weight w[k][j] of dense layer l is draw k * outputs + j of stream
// (seed, kInit + l); dropout layer d drops value j of row i at step s when
// draw (s * batch + i) * width + j of (seed, kDropout + d) is below p.
// Biases start at zero.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RNG_TRAININGDRAWS_H
#define SWEEP_RUNTIME_RNG_TRAININGDRAWS_H

#include "runtime/exec/SweepJob.h"
#include "runtime/rng/NormalDraws.h"
#include "runtime/rng/Streams.h"

#include <algorithm>
#include <cmath>

namespace sweep {

/// Fills w[inputs * outputs] for dense layer `layer` of a run.
inline void initDenseWeights(const RunSpec &run, uint64_t layer, int64_t inputs, int64_t outputs,
                             float *w) {
  PhiloxStream stream(run.seed, stream::kInit + layer);
  double fanIn = double(inputs), fanAvg = double(inputs + outputs);
  bool normal = run.init == InitKind::HeNormal || run.init == InitKind::XavierNormal;
  double spread = 0;
  switch (run.init) {
  case InitKind::HeNormal:
    spread = std::sqrt(2.0 / fanIn);
    break;
  case InitKind::HeUniform:
    spread = std::sqrt(6.0 / fanIn);
    break;
  case InitKind::XavierNormal:
    spread = std::sqrt(2.0 / fanAvg);
    break;
  case InitKind::XavierUniform:
    spread = std::sqrt(6.0 / fanAvg);
    break;
  }
  spread *= run.gain;
  // Draw k is normalAt(stream, k) or stream.uniform(k), computed a block of
  // draws at a time (NormalDraws.h: eight per instruction where it can).
  constexpr int64_t kBlock = 512;
  double draws[kBlock];
  int64_t count = inputs * outputs;
  for (int64_t first = 0; first < count; first += kBlock) {
    int64_t n = std::min(kBlock, count - first);
    if (normal)
      normalsAt(stream, uint64_t(first), size_t(n), draws);
    else
      uniformsAt(stream, uint64_t(first), size_t(n), draws);
    for (int64_t k = 0; k < n; ++k)
      w[first + k] = normal ? float(spread * draws[k]) : float(spread * (2.0 * draws[k] - 1.0));
  }
}

/// A draw's uniform is m * 2^-24 with m = bits >> 8 (uniformFloat), and
/// m * 2^-24 < p exactly when m < ceil(p * 2^24): the draw drops its value
/// when its top 24 bits are below this (0 for a NaN p, as `< p` is never
/// true; 2^24 for p >= 1). Compiled code compares with it too.
inline uint32_t dropoutThreshold(double p) {
  return !(p > 0) ? 0u : p >= 1 ? (1u << 24) : uint32_t(std::ceil(p * 0x1.0p24));
}

/// The scale of a kept value.
inline float dropoutKeepScale(double p) { return float(1.0 / (1.0 - p)); }

/// Writes the inverted-dropout scale (0, or 1 / (1 - p)) of rows [0, n) of a
/// [n, width] activation at `step`; `batch` is the group's batch size.
inline void dropoutScales(uint64_t seed, uint64_t layer, double p, uint64_t step, int64_t batch,
                          int64_t n, int64_t width, float *scale) {
  PhiloxStream stream(seed, stream::kDropout + layer);
  float keep = dropoutKeepScale(p);
  uint64_t base = step * uint64_t(batch) * uint64_t(width);
  uint32_t below = dropoutThreshold(p);
  // Value k is draw base + k (uniformAt): lane (base + k) & 3 of a block,
  // each block computed once for its four draws.
  for (int64_t k = 0, count = n * width; k < count;) {
    uint64_t draw = base + uint64_t(k);
    PhiloxBlock block = stream.block(draw >> 2);
    for (uint64_t lane = draw & 3; lane < 4 && k < count; ++lane, ++k)
      scale[k] = (block[lane] >> 8) < below ? 0.0f : keep;
  }
}

} // namespace sweep

#endif // SWEEP_RUNTIME_RNG_TRAININGDRAWS_H
