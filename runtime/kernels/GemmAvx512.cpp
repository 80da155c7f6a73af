//===- GemmAvx512.cpp - the blocked product with AVX-512 ------------------===//
//
// Built with -mavx512f -mfma; only called where the CPU reports AVX-512F.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
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
  /// dst[j * dstRow + i] = src[i * srcRow + j] for i, j < 16: a 16 x 16 block
  /// transposed in registers (unpacks within 128-bit lanes, then lane
  /// shuffles), several times faster than 16 gathers of 16 rows.
  static void transpose(const float *src, int64_t srcRow, float *dst, int64_t dstRow) {
    // The masked forms with every lane: the plain ones start from an
    // undefined vector, which GCC 12 warns about.
    constexpr __mmask16 kAll = 0xFFFF;
    constexpr __mmask8 kAllPairs = 0xFF;
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i)
      r[i] = _mm512_loadu_ps(src + i * srcRow);
    // t[2h], t[2h + 1]: rows 2h and 2h + 1 interleaved (columns 4L, 4L + 1
    // and 4L + 2, 4L + 3 of each 128-bit lane L).
    for (int h = 0; h < 8; ++h) {
      t[2 * h] = _mm512_maskz_unpacklo_ps(kAll, r[2 * h], r[2 * h + 1]);
      t[2 * h + 1] = _mm512_maskz_unpackhi_ps(kAll, r[2 * h], r[2 * h + 1]);
    }
    // u[4g + c]: lane L holds column 4L + c of rows 4g .. 4g + 3.
    __m512 u[16];
    for (int g = 0; g < 4; ++g) {
      __m512d lo = _mm512_castps_pd(t[4 * g]), hi = _mm512_castps_pd(t[4 * g + 1]);
      __m512d lo2 = _mm512_castps_pd(t[4 * g + 2]), hi2 = _mm512_castps_pd(t[4 * g + 3]);
      u[4 * g + 0] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(kAllPairs, lo, lo2));
      u[4 * g + 1] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(kAllPairs, lo, lo2));
      u[4 * g + 2] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(kAllPairs, hi, hi2));
      u[4 * g + 3] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(kAllPairs, hi, hi2));
    }
    // Column 4L + c is lane L of u[c], u[4 + c], u[8 + c], u[12 + c].
    for (int c = 0; c < 4; ++c) {
      __m512 x0 = _mm512_maskz_shuffle_f32x4(kAll, u[c], u[4 + c], 0x88);  // lanes 0, 2 of each
      __m512 x1 = _mm512_maskz_shuffle_f32x4(kAll, u[c], u[4 + c], 0xDD);  // lanes 1, 3
      __m512 y0 = _mm512_maskz_shuffle_f32x4(kAll, u[8 + c], u[12 + c], 0x88);
      __m512 y1 = _mm512_maskz_shuffle_f32x4(kAll, u[8 + c], u[12 + c], 0xDD);
      _mm512_storeu_ps(dst + (0 + c) * dstRow, _mm512_maskz_shuffle_f32x4(kAll, x0, y0, 0x88));
      _mm512_storeu_ps(dst + (4 + c) * dstRow, _mm512_maskz_shuffle_f32x4(kAll, x1, y1, 0x88));
      _mm512_storeu_ps(dst + (8 + c) * dstRow, _mm512_maskz_shuffle_f32x4(kAll, x0, y0, 0xDD));
      _mm512_storeu_ps(dst + (12 + c) * dstRow, _mm512_maskz_shuffle_f32x4(kAll, x1, y1, 0xDD));
    }
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
