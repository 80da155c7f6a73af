//===- Activation.h - the activation formulas, written once -----*- C++ -*-===//
//
// The interpreter (runtime/interp/Kernels.h) and the GEMM epilogues of the
// compiled kernels (GemmEpilogue.cpp) both evaluate activations and their
// slopes with these functions, and the compiled elementwise code
// (TrainToLinalg's activate/slope) spells out the same operations, so every
// backend gives the same bits. Callers must not be built with floating-point
// contraction: 1 - y * y must stay a multiply and a subtract.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_ACTIVATION_H
#define SWEEP_RUNTIME_KERNELS_ACTIVATION_H

#include "runtime/kernels/Exp.h"

#include <cmath>

namespace sweep::activation {

/// A NaN stays NaN, as in PyTorch: a run whose values overflowed must reach a
/// NaN loss and be marked diverged, not train on with the NaN made 0 (and
/// NaN weights behind it). -0 gives +0.
template <typename T> T relu(T z) { return !(z <= T(0)) ? z : T(0); }

/// tanh(z) = 1 - 2 / (exp(2z) + 1): one exp instead of libm's tanhf (which
/// calls expm1f and costs about four times as much).
template <typename T> T tanh(T z) { return T(1) - T(2) / (exponential(T(2) * z) + T(1)); }

template <typename T> T sigmoid(T z) { return T(1) / (T(1) + exponential(-z)); }

template <typename T> T gelu(T z) {
  return T(0.5) * z * (T(1) + std::erf(z * T(0.70710678118654752)));
}

/// Slopes from the pre-activation z (relu, gelu) or the output y (tanh, sigmoid).
/// relu's slope from y = relu(z) equals the one from z; a NaN's is 0 (the
/// forward NaN already stops the run).
template <typename T> T reluSlope(T z) { return z > T(0) ? T(1) : T(0); }
template <typename T> T tanhSlope(T y) { return T(1) - y * y; }
template <typename T> T sigmoidSlope(T y) { return y * (T(1) - y); }
template <typename T> T geluSlope(T z) {
  T cdf = T(0.5) * (T(1) + std::erf(z * T(0.70710678118654752)));
  T pdf = T(0.39894228040143268) * exponential(T(-0.5) * z * z);
  return cdf + z * pdf;
}

} // namespace sweep::activation

#endif // SWEEP_RUNTIME_KERNELS_ACTIVATION_H
