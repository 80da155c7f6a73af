//===- Exp.h - one float32 exp for every backend ----------------*- C++ -*-===//
//
// exp(x) in float32 from multiplies, adds and fused multiply-adds only, so a
// compiler can vectorize the loops it appears in (a libm call per element
// keeps the softmax and activation loops scalar). The compiled CPU code
// spells out the same operations (lib/Transforms/ExpandExp.cpp) and the
// interpreter and GEMM epilogues call this function, so every CPU backend
// gives the same bits: keep the two in step, operation for operation.
//
// Method: x = n ln2 + r with n = round(x / ln2) and |r| <= ln2 / 2, so
// exp(x) = 2^n (1 + p(r)) with p(r) ~ expm1(r) = r + r^2 q(r), q a degree-4
// minimax fit of (expm1(r) - r) / r^2 for the relative error of exp (found by
// Lawson iterations; relative error 3e-9 before its coefficients were rounded
// to float32). 2^n is applied as 2^n1 * 2^n2 (n1 = floor(n / 2), n2 = n - n1)
// so that overflow gives inf and small results underflow gradually, without a
// branch. x is clamped to [-104, 89] first: exp(-104) rounds to 0 and
// exp(89) overflows, so the clamp changes no result and keeps n in range.
// A NaN passes the clamp (both comparisons are false) and stays NaN.
//
// Accuracy, over every float32 input against double-precision exp: see
// ExpTest (runtime unit tests) and bench/ExpAccuracy.cpp (every input).
//
// Callers must not be built with floating-point contraction.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_EXP_H
#define SWEEP_RUNTIME_KERNELS_EXP_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace sweep::expf32 {

// Constants shared with lib/Transforms/ExpandExp.cpp (by value: the pass
// includes this header).
constexpr float kHighest = 89.0f;
constexpr float kLowest = -104.0f;
constexpr float kInvLn2 = 0x1.715476p+0f;
/// 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an
/// integer held in the low bits of its encoding.
constexpr float kShift = 0x1.8p23f;
constexpr int32_t kShiftBits = 0x4b400000;
/// ln2 = kLn2High + kLn2Low, kLn2High with 8 trailing zero bits, so n * kLn2High
/// is exact for |n| < 2^8.
constexpr float kLn2High = 0x1.62e4p-1f;
constexpr float kLn2Low = 0x1.7f7d1cp-20f;
/// q(r) = kQ0 + kQ1 r + kQ2 r^2 + kQ3 r^3 + kQ4 r^4.
constexpr float kQ0 = 0x1.fffffcp-2f;
constexpr float kQ1 = 0x1.555492p-3f;
constexpr float kQ2 = 0x1.5558f2p-5f;
constexpr float kQ3 = 0x1.1239d4p-7f;
constexpr float kQ4 = 0x1.6a244cp-10f;

inline int32_t bitsOf(float x) {
  int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

inline float floatOf(int32_t bits) {
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

/// 2^k for -126 <= k <= 127 (unsigned arithmetic: a NaN's k is arbitrary,
/// and its result is NaN whatever the scale).
inline float powerOfTwo(uint32_t k) { return floatOf(int32_t((k + 127u) << 23)); }

} // namespace sweep::expf32

namespace sweep {

inline float exp32(float x) {
  using namespace expf32;
  x = x > kHighest ? kHighest : x;
  x = x < kLowest ? kLowest : x;
  float z = std::fma(x, kInvLn2, kShift);
  float n = z - kShift;
  float r = std::fma(n, -kLn2High, x);
  r = std::fma(n, -kLn2Low, r);
  // q by Horner, p = r + r^2 q.
  float q = std::fma(kQ4, r, kQ3);
  q = std::fma(q, r, kQ2);
  q = std::fma(q, r, kQ1);
  q = std::fma(q, r, kQ0);
  float p = std::fma(r * r, q, r);
  uint32_t k = uint32_t(bitsOf(z)) - uint32_t(kShiftBits);
  uint32_t k1 = uint32_t(int32_t(k) >> 1); // floor(k / 2): an arithmetic shift
  float s1 = powerOfTwo(k1), s2 = powerOfTwo(k - k1);
  return std::fma(p, s1, s1) * s2;
}

/// exp as the compiled code computes it: exp32 for float; for double (the
/// tests' reference gradients) libm's.
inline float exponential(float x) { return exp32(x); }
inline double exponential(double x) { return std::exp(x); }

} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_EXP_H
