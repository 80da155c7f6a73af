//===- GemmPortable.cpp - the blocked product in plain C++ ----------------===//
//
// For CPUs without FMA instructions: std::fma gives the same correctly
// rounded result as the vector paths (in software, so slowly).
//
//===----------------------------------------------------------------------===//

#include <cmath>

namespace {
struct Scalar {
  using V = float;
  static constexpr int kLanes = 1;
  static V load(const float *p) { return *p; }
  static void store(float *p, V v) { *p = v; }
  static V broadcast(float x) { return x; }
  static V fma(V a, V b, V c) { return std::fma(a, b, c); }
};
} // namespace

#include "runtime/kernels/GemmBlocked.h"

void sweep::detail::gemmPortable(const GemmProblem &p) { blocked<Scalar, 4, 8>(p); }
