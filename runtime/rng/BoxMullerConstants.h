//===- BoxMullerConstants.h - the arithmetic of a normal draw ---*- C++ -*-===//
//
// A normal draw is Box-Muller on a Philox block: sqrt(-2 log u1) cos(2 pi u2)
// with u1 = (hi + 1) 2^-53 in (0, 1] and u2 = lo 2^-53 in [0, 1), hi and lo
// the top 53 bits of the block's two 64-bit halves. The log and the cosine are
// sweepc's own, written as the operations below, in this order, each rounded
// once (no fused multiply-adds: both files are built with -ffp-contract=off),
// so the portable code (NormalDraws.cpp) and the AVX-512 code
// (NormalDrawsAvx512.cpp) give the same bits, on every machine:
//
//   log u1:  d = double(hi + 1) = 2^e m with m in [1, 2) (exact); if
//            m > sqrt(2): m *= 0.5, e += 1. s = (m - 1) / (m + 1), z = s * s,
//            log m = s * P(z) (Horner, kLog[10] first: 2 atanh s to z^10),
//            k = double(e - 53), log u1 = k * kLn2Hi + (log m + k * kLn2Lo).
//   cosine:  q = (lo + 2^50) >> 51 (u2's nearest quarter), r = double(lo - q 2^51)
//            * 2^-53 in [-1/8, 1/8) (exact), z = r * r; sin(2 pi r) = r * S(z),
//            cos(2 pi r) = C(z) (Horner, Taylor to z^8: under 2^-58 off);
//            cos(2 pi u2) is C, -S, -C, S for q mod 4 = 0, 1, 2, 3.
//   normal:  sqrt(-2 * log u1) * (that cosine).
//
// Both agree with glibc's log and cos to within a few units in the last place
// (NormalDrawsTest.cpp), far below a float weight's rounding.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RNG_BOXMULLERCONSTANTS_H
#define SWEEP_RUNTIME_RNG_BOXMULLERCONSTANTS_H

#include <cstdint>

namespace sweep::boxmuller {

/// 2 / (2k + 1): log m = 2 atanh s = s * sum kLog[k] s^2k.
constexpr double kLog[11] = {
    0x1.0000000000000p+1, 0x1.5555555555555p-1, 0x1.999999999999ap-2, 0x1.2492492492492p-2,
    0x1.c71c71c71c71cp-3, 0x1.745d1745d1746p-3, 0x1.3b13b13b13b14p-3, 0x1.1111111111111p-3,
    0x1.e1e1e1e1e1e1ep-4, 0x1.af286bca1af28p-4, 0x1.8618618618618p-4};

/// ln 2 as a head of 31 bits (k * kLn2Hi is exact for |k| < 2^22) and a tail.
constexpr double kLn2Hi = 0x1.62e42fec00000p-1;
constexpr double kLn2Lo = 0x1.d1cf79abc9e3bp-32;
constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;

/// (-1)^k (2 pi)^(2k+1) / (2k+1)!: sin(2 pi r) = r * sum kSin[k] r^2k.
constexpr double kSin[9] = {0x1.921fb54442d18p+2,  -0x1.4abbce625be53p+5, 0x1.466bc6775aae2p+6,
                            -0x1.32d2cce62bd86p+6, 0x1.50783487ee782p+5,  -0x1.e3074fde8871fp+3,
                            0x1.e8f434d018d63p+1,  -0x1.6fadb9f155744p-1, 0x1.aaec32af93359p-4};

/// (-1)^k (2 pi)^2k / (2k)!: cos(2 pi r) = sum kCos[k] r^2k.
constexpr double kCos[9] = {0x1.0000000000000p+0,  -0x1.3bd3cc9be45dep+4, 0x1.03c1f081b5ac4p+6,
                            -0x1.55d3c7e3cbffap+6, 0x1.e1f506891babbp+5,  -0x1.a6d1f2a204a8cp+4,
                            0x1.f9d38a3763cc3p+2,  -0x1.b6e24f44b128fp+0, 0x1.20c62c2f2d7f5p-2};

constexpr uint64_t kMantissaBits = 0x000FFFFFFFFFFFFFull;
constexpr uint64_t kOneBits = 0x3FF0000000000000ull; // 1.0's exponent.

} // namespace sweep::boxmuller

#endif // SWEEP_RUNTIME_RNG_BOXMULLERCONSTANTS_H
