//===- GemmAvx512.cpp - the blocked product with AVX-512 ------------------===//
//
// Built with -mavx512f -mfma; only called where the CPU reports AVX-512F.
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

namespace {
struct Avx512 {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V load(const float *p) { return _mm512_loadu_ps(p); }
  static void store(float *p, V v) { _mm512_storeu_ps(p, v); }
  static V broadcast(float x) { return _mm512_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
};
} // namespace

#include "runtime/kernels/GemmBlocked.h"

// 8 rows x 32 columns: 16 accumulators of the 32 registers.
void sweep::detail::gemmAvx512(const GemmProblem &p) { blocked<Avx512, 8, 2>(p); }
