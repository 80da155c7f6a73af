//===- GemmAvx2.cpp - the blocked product with AVX2 and FMA ---------------===//
//
// Built with -mavx2 -mfma; only called where the CPU reports both.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <immintrin.h>

namespace {
struct Avx2 {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V load(const float *p) { return _mm256_loadu_ps(p); }
  static void store(float *p, V v) { _mm256_storeu_ps(p, v); }
  static V broadcast(float x) { return _mm256_set1_ps(x); }
  /// base[0], base[stride], ..., base[7 * stride].
  static V gather(const float *base, int32_t stride) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_i32gather_ps(base, _mm256_mullo_epi32(lanes, _mm256_set1_epi32(stride)), 4);
  }
  /// dst[j * dstRow + i] = src[i * srcRow + j] for i, j < 8: an 8 x 8 block
  /// transposed in registers (unpacks within 128-bit lanes, then a lane swap).
  static void transpose(const float *src, int64_t srcRow, float *dst, int64_t dstRow) {
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; ++i)
      r[i] = _mm256_loadu_ps(src + i * srcRow);
    for (int h = 0; h < 4; ++h) {
      t[2 * h] = _mm256_unpacklo_ps(r[2 * h], r[2 * h + 1]);
      t[2 * h + 1] = _mm256_unpackhi_ps(r[2 * h], r[2 * h + 1]);
    }
    // u[4g + c]: lane L holds column 4L + c of rows 4g .. 4g + 3.
    for (int g = 0; g < 2; ++g) {
      __m256d lo = _mm256_castps_pd(t[4 * g]), hi = _mm256_castps_pd(t[4 * g + 1]);
      __m256d lo2 = _mm256_castps_pd(t[4 * g + 2]), hi2 = _mm256_castps_pd(t[4 * g + 3]);
      u[4 * g + 0] = _mm256_castpd_ps(_mm256_unpacklo_pd(lo, lo2));
      u[4 * g + 1] = _mm256_castpd_ps(_mm256_unpackhi_pd(lo, lo2));
      u[4 * g + 2] = _mm256_castpd_ps(_mm256_unpacklo_pd(hi, hi2));
      u[4 * g + 3] = _mm256_castpd_ps(_mm256_unpackhi_pd(hi, hi2));
    }
    for (int c = 0; c < 4; ++c) {
      _mm256_storeu_ps(dst + c * dstRow, _mm256_permute2f128_ps(u[c], u[4 + c], 0x20));
      _mm256_storeu_ps(dst + (4 + c) * dstRow, _mm256_permute2f128_ps(u[c], u[4 + c], 0x31));
    }
  }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  // relu keeps a where !(a <= 0) (unordered compare: a NaN stays NaN, as in
  // Activation.h) and gives +0 elsewhere, -0 included.
  static V relu(V a) {
    return _mm256_and_ps(_mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_NLE_UQ), a);
  }
  static V positive(V a) {
    return _mm256_and_ps(_mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_set1_ps(1.0f));
  }
};
} // namespace

#include "runtime/kernels/GemmBlocked.h"

// 6 rows x 16 columns: 12 accumulators of the 16 registers; a run at most 8
// wide, 12 rows x 8 columns.
void sweep::detail::gemmAvx2(const GemmProblem &p) { blocked<Avx2, 6, 2, 12>(p); }
