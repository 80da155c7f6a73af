//===- NormalDrawsAvx512.cpp - eight draws at a time -----------------------===//
//
// Built with -mavx512f -mavx512dq -ffp-contract=off; only called where the
// CPU reports both (NormalDraws.cpp). Eight consecutive Philox blocks in the
// 64-bit lanes of four registers (one 32-bit counter word per lane), then the
// operations of BoxMullerConstants.h lane by lane, each rounded as the
// portable code rounds it. The log's and cosine's Horner steps are each
// waiting on the last: N groups of eight go through every step together so
// that their chains overlap (N = 4 draws 1.6x faster than N = 1 here).
//
//===----------------------------------------------------------------------===//

#include "runtime/rng/NormalDraws.h"

#include "runtime/rng/BoxMullerConstants.h"

#include <immintrin.h>

using namespace sweep;
using namespace sweep::boxmuller;

namespace {
/// Philox4x32-10 (Philox.h) of blocks first .. first + 8N - 1: word w of
/// block 8g + i in the low half of lane i of c[g][w].
template <int N> void philoxBlocks(const PhiloxStream &stream, uint64_t first, __m512i c[][4]) {
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFFll);
  const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  for (int g = 0; g < N; ++g) {
    __m512i index = _mm512_add_epi64(_mm512_set1_epi64(int64_t(first + 8 * uint64_t(g))), lanes);
    c[g][0] = _mm512_and_si512(index, low32);
    c[g][1] = _mm512_srli_epi64(index, 32);
    c[g][2] = _mm512_set1_epi64(int64_t(uint32_t(stream.streamId())));
    c[g][3] = _mm512_set1_epi64(int64_t(stream.streamId() >> 32));
  }
  const __m512i mul0 = _mm512_set1_epi64(0xD2511F53ll), mul1 = _mm512_set1_epi64(0xCD9E8D57ll);
  uint32_t key0 = stream.keyWords()[0], key1 = stream.keyWords()[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += 0x9E3779B9u;
      key1 += 0xBB67AE85u;
    }
    __m512i k0 = _mm512_set1_epi64(int64_t(key0)), k1 = _mm512_set1_epi64(int64_t(key1));
    for (int g = 0; g < N; ++g) {
      __m512i product0 = _mm512_mul_epu32(c[g][0], mul0);
      __m512i product1 = _mm512_mul_epu32(c[g][2], mul1);
      __m512i next0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(product1, 32), c[g][1]), k0);
      __m512i next2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(product0, 32), c[g][3]), k1);
      c[g][1] = _mm512_and_si512(product1, low32);
      c[g][3] = _mm512_and_si512(product0, low32);
      c[g][0] = next0;
      c[g][2] = next2;
    }
  }
}

/// (a << 32 | b) >> 11: the top 53 bits of a block's half.
__m512i top53(__m512i a, __m512i b) {
  return _mm512_srli_epi64(_mm512_or_si512(_mm512_slli_epi64(a, 32), b), 11);
}

/// p[g] = Horner of coefficients[last] .. coefficients[0] at z[g].
template <int N> void horner(const double *coefficients, int last, const __m512d z[], __m512d p[]) {
  for (int g = 0; g < N; ++g)
    p[g] = _mm512_set1_pd(coefficients[last]);
  for (int k = last - 1; k >= 0; --k) {
    __m512d c = _mm512_set1_pd(coefficients[k]);
    for (int g = 0; g < N; ++g)
      p[g] = _mm512_add_pd(_mm512_mul_pd(p[g], z[g]), c);
  }
}

/// log u1 for u1 = (hi + 1) 2^-53.
template <int N> void logOfUnit(const __m512i hi[], __m512d out[]) {
  const __m512d one = _mm512_set1_pd(1.0);
  __m512d s[N], z[N], p[N];
  __m512i e[N];
  for (int g = 0; g < N; ++g) {
    __m512d d = _mm512_cvtepu64_pd(_mm512_add_epi64(hi[g], _mm512_set1_epi64(1)));
    __m512i bits = _mm512_castpd_si512(d);
    e[g] = _mm512_sub_epi64(_mm512_srli_epi64(bits, 52), _mm512_set1_epi64(1023));
    __m512d m = _mm512_castsi512_pd(
        _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi64(int64_t(kMantissaBits))),
                        _mm512_set1_epi64(int64_t(kOneBits))));
    __mmask8 above = _mm512_cmp_pd_mask(m, _mm512_set1_pd(kSqrt2), _CMP_GT_OQ);
    m = _mm512_mask_mul_pd(m, above, m, _mm512_set1_pd(0.5));
    e[g] = _mm512_mask_add_epi64(e[g], above, e[g], _mm512_set1_epi64(1));
    s[g] = _mm512_div_pd(_mm512_sub_pd(m, one), _mm512_add_pd(m, one));
    z[g] = _mm512_mul_pd(s[g], s[g]);
  }
  horner<N>(kLog, 10, z, p);
  for (int g = 0; g < N; ++g) {
    __m512d logM = _mm512_mul_pd(s[g], p[g]);
    __m512d k = _mm512_cvtepi64_pd(_mm512_sub_epi64(e[g], _mm512_set1_epi64(53)));
    out[g] = _mm512_add_pd(_mm512_mul_pd(k, _mm512_set1_pd(kLn2Hi)),
                           _mm512_add_pd(logM, _mm512_mul_pd(k, _mm512_set1_pd(kLn2Lo))));
  }
}

/// cos(2 pi u2) for u2 = lo 2^-53.
template <int N> void cosOfTurn(const __m512i lo[], __m512d out[]) {
  __m512d r[N], z[N], s[N], c[N];
  __m512i q[N];
  for (int g = 0; g < N; ++g) {
    q[g] = _mm512_srli_epi64(_mm512_add_epi64(lo[g], _mm512_set1_epi64(1ll << 50)), 51);
    r[g] = _mm512_mul_pd(_mm512_cvtepi64_pd(_mm512_sub_epi64(lo[g], _mm512_slli_epi64(q[g], 51))),
                         _mm512_set1_pd(0x1.0p-53));
    z[g] = _mm512_mul_pd(r[g], r[g]);
  }
  horner<N>(kSin, 8, z, s);
  horner<N>(kCos, 8, z, c);
  for (int g = 0; g < N; ++g) {
    s[g] = _mm512_mul_pd(r[g], s[g]);
    __mmask8 odd = _mm512_test_epi64_mask(q[g], _mm512_set1_epi64(1));
    __mmask8 negative =
        _mm512_test_epi64_mask(_mm512_add_epi64(q[g], _mm512_set1_epi64(1)), _mm512_set1_epi64(2));
    __m512i pick = _mm512_castpd_si512(_mm512_mask_blend_pd(odd, c[g], s[g]));
    pick = _mm512_mask_xor_epi64(pick, negative, pick, _mm512_set1_epi64(int64_t(1ull << 63)));
    out[g] = _mm512_castsi512_pd(pick);
  }
}

template <int N> void normals(const PhiloxStream &stream, uint64_t first, double *out) {
  __m512i c[N][4], hi[N], lo[N];
  __m512d logU[N], turn[N];
  philoxBlocks<N>(stream, first, c);
  for (int g = 0; g < N; ++g) {
    hi[g] = top53(c[g][0], c[g][1]);
    lo[g] = top53(c[g][2], c[g][3]);
  }
  logOfUnit<N>(hi, logU);
  cosOfTurn<N>(lo, turn);
  for (int g = 0; g < N; ++g) {
    __m512d radius = _mm512_sqrt_pd(_mm512_mul_pd(_mm512_set1_pd(-2.0), logU[g]));
    _mm512_storeu_pd(out + 8 * g, _mm512_mul_pd(radius, turn[g]));
  }
}

template <int N> void uniforms(const PhiloxStream &stream, uint64_t first, double *out) {
  // PhiloxStream::uniform: ((b0 << 21) ^ (b1 >> 11)) & (2^53 - 1), times 2^-53.
  const __m512i low53 = _mm512_set1_epi64(int64_t((uint64_t(1) << 53) - 1));
  __m512i c[N][4];
  philoxBlocks<N>(stream, first, c);
  for (int g = 0; g < N; ++g) {
    __m512i bits = _mm512_and_si512(
        _mm512_xor_si512(_mm512_slli_epi64(c[g][0], 21), _mm512_srli_epi64(c[g][1], 11)), low53);
    _mm512_storeu_pd(out + 8 * g,
                     _mm512_mul_pd(_mm512_cvtepu64_pd(bits), _mm512_set1_pd(0x1.0p-53)));
  }
}

constexpr int kGroups = 4;

/// Draws first .. first + count - 1 (count a multiple of 8): kGroups groups
/// of eight at a time, then one group at a time.
template <void (*Many)(const PhiloxStream &, uint64_t, double *),
          void (*One)(const PhiloxStream &, uint64_t, double *)>
void inGroups(const PhiloxStream &stream, uint64_t first, size_t count, double *out) {
  size_t i = 0;
  for (; i + 8 * kGroups <= count; i += 8 * kGroups)
    Many(stream, first + i, out + i);
  for (; i < count; i += 8)
    One(stream, first + i, out + i);
}
} // namespace

void sweep::detail::normalsAvx512(const PhiloxStream &stream, uint64_t first, size_t count,
                                  double *out) {
  inGroups<normals<kGroups>, normals<1>>(stream, first, count, out);
}

void sweep::detail::uniformsAvx512(const PhiloxStream &stream, uint64_t first, size_t count,
                                   double *out) {
  inGroups<uniforms<kGroups>, uniforms<1>>(stream, first, count, out);
}
