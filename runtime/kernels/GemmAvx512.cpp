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
  /// base[0], base[stride], ..., base[15 * stride].
  static V gather(const float *base, int32_t stride) {
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    // The masked form: the plain one leaves its source undefined (a GCC warning).
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF,
                                    _mm512_mullo_epi32(lanes, _mm512_set1_epi32(stride)), base, 4);
  }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  // relu: !(a <= 0) ? a : 0 (unordered compare: a NaN stays NaN, as in
  // Activation.h); the slope: a > 0 ? 1 : 0 (ordered: a NaN's is 0).
  static V relu(V a) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_NLE_UQ), a);
  }
  static V positive(V a) { return _mm512_maskz_mov_ps(greaterThanZero(a), _mm512_set1_ps(1.0f)); }
  static __mmask16 greaterThanZero(V a) {
    return _mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_GT_OQ);
  }
};
} // namespace

#include "runtime/kernels/GemmBlocked.h"

// 8 rows x 32 columns: 16 accumulators of the 32 registers; a run at most
// 16 wide, 16 rows x 16 columns (a batch of 128 in eight tiles).
void sweep::detail::gemmAvx512(const GemmProblem &p) { blocked<Avx512, 8, 2, 16>(p); }
