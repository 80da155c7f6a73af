//===- NormalDraws.cpp - the normal draw, one or many at a time -----------===//
//
// The portable definition of a normal draw (the arithmetic is spelled out in
// BoxMullerConstants.h) and the choice of instruction set for many draws.
// Built with -ffp-contract=off: every multiply and add is rounded alone, as
// in the AVX-512 code.
//
//===----------------------------------------------------------------------===//

#include "runtime/rng/NormalDraws.h"

#include "runtime/rng/BoxMullerConstants.h"
#include "runtime/rng/Streams.h"

#include <cmath>
#include <cstring>

using namespace sweep;
using namespace sweep::boxmuller;

namespace {
double logOfUnit(uint64_t hi) {
  double d = double(hi + 1);
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  int64_t e = int64_t(bits >> 52) - 1023;
  uint64_t mantissa = (bits & kMantissaBits) | kOneBits;
  double m;
  std::memcpy(&m, &mantissa, sizeof m);
  if (m > kSqrt2) {
    m = m * 0.5;
    e = e + 1;
  }
  double s = (m - 1.0) / (m + 1.0);
  double z = s * s;
  double p = kLog[10];
  for (int k = 9; k >= 0; --k)
    p = p * z + kLog[k];
  double logM = s * p;
  double k = double(e - 53);
  return k * kLn2Hi + (logM + k * kLn2Lo);
}

double cosOfTurn(uint64_t lo) {
  uint64_t q = (lo + (uint64_t(1) << 50)) >> 51;
  double r = double(int64_t(lo) - int64_t(q << 51)) * 0x1.0p-53;
  double z = r * r;
  double s = kSin[8], c = kCos[8];
  for (int k = 7; k >= 0; --k) {
    s = s * z + kSin[k];
    c = c * z + kCos[k];
  }
  s = r * s;
  double pick = (q & 1) ? s : c;
  return ((q + 1) & 2) ? -pick : pick;
}
} // namespace

double sweep::normalOfBlock(const PhiloxBlock &b) {
  uint64_t hi = (uint64_t(b[0]) << 32 | b[1]) >> 11, lo = (uint64_t(b[2]) << 32 | b[3]) >> 11;
  return std::sqrt(-2.0 * logOfUnit(hi)) * cosOfTurn(lo);
}

const char *sweep::drawIsaName(DrawIsa isa) {
  return isa == DrawIsa::Avx512 ? "avx512" : "portable";
}

std::vector<DrawIsa> sweep::availableDrawIsas() {
  std::vector<DrawIsa> isas{DrawIsa::Portable};
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
    isas.push_back(DrawIsa::Avx512);
#endif
  return isas;
}

DrawIsa sweep::bestDrawIsa() {
  static const DrawIsa best = availableDrawIsas().back();
  return best;
}

namespace {
/// out[i] = one(first + i): eight at a time by `avx512` where the ISA is
/// AVX-512, the tail (and every draw elsewhere) one at a time.
template <typename Avx512, typename One>
void drawWith(DrawIsa isa, uint64_t first, size_t count, double *out, Avx512 &&avx512, One &&one) {
  size_t done = 0;
#if defined(__x86_64__)
  if (isa == DrawIsa::Avx512) {
    done = count & ~size_t(7);
    avx512(first, done, out);
  }
#endif
  for (size_t i = done; i < count; ++i)
    out[i] = one(first + i);
}
} // namespace

void sweep::normalsWith(DrawIsa isa, const PhiloxStream &stream, uint64_t first, size_t count,
                        double *out) {
  drawWith(
      isa, first, count, out,
      [&](uint64_t from, size_t n, double *to) { detail::normalsAvx512(stream, from, n, to); },
      [&](uint64_t index) { return normalAt(stream, index); });
}

void sweep::uniformsWith(DrawIsa isa, const PhiloxStream &stream, uint64_t first, size_t count,
                         double *out) {
  drawWith(
      isa, first, count, out,
      [&](uint64_t from, size_t n, double *to) { detail::uniformsAvx512(stream, from, n, to); },
      [&](uint64_t index) { return stream.uniform(index); });
}

void sweep::normalsAt(const PhiloxStream &stream, uint64_t first, size_t count, double *out) {
  normalsWith(bestDrawIsa(), stream, first, count, out);
}

void sweep::uniformsAt(const PhiloxStream &stream, uint64_t first, size_t count, double *out) {
  uniformsWith(bestDrawIsa(), stream, first, count, out);
}
