//===- GemmPortable.cpp - the blocked product in plain C++ ----------------===//
//
// For CPUs without FMA instructions: std::fma gives the same correctly
// rounded result as the vector paths (in software, so slowly).
//
//===----------------------------------------------------------------------===//

#include <cmath>
#include <cstdint>

namespace {
struct Scalar {
  using V = float;
  static constexpr int kLanes = 1;
  static V load(const float *p) { return *p; }
  static void store(float *p, V v) { *p = v; }
  static V broadcast(float x) { return x; }
  static V gather(const float *base, int32_t) { return *base; }
  static void transpose(const float *src, int64_t, float *dst, int64_t) { *dst = *src; }
  static V fma(V a, V b, V c) { return std::fma(a, b, c); }
  static V mul(V a, V b) { return a * b; }
  static V sub(V a, V b) { return a - b; }
  static V relu(V a) { return !(a <= 0.0f) ? a : 0.0f; } // NaN stays NaN (Activation.h)
  static V positive(V a) { return a > 0.0f ? 1.0f : 0.0f; }
};
} // namespace

#include "runtime/kernels/GemmBlocked.h"

void sweep::detail::gemmPortable(const GemmProblem &p) { blocked<Scalar, 4, 8>(p); }
