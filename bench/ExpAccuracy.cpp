//===- ExpAccuracy.cpp - sweep::exp32 over every float32 input ------------===//
//
// The accuracy every CPU backend's exp has (runtime/kernels/Exp.h), against
// exp in double precision, beside glibc's expf on the same inputs. About 3
// minutes on one core; ExpTest checks a sample in CI.
//
//   build/bin/sweepc-bench-exp-accuracy
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/Exp.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

namespace {
double ulpError(float got, double want) {
  double ulp = want < double(std::numeric_limits<float>::min())
                   ? std::ldexp(1.0, -149)
                   : std::ldexp(1.0, std::ilogb(want) - 23);
  return std::fabs(double(got) - want) / ulp;
}

struct Tally {
  double worst = 0;
  float worstAt = 0;
  uint64_t notNearest = 0;
  void add(float x, float got, double want) {
    double error = ulpError(got, want);
    if (error > worst) {
      worst = error;
      worstAt = x;
    }
    notNearest += float(want) != got;
  }
};
} // namespace

int main() {
  Tally ours, libm;
  uint64_t finite = 0, wrongSpecials = 0;
  for (uint64_t bits = 0; bits <= 0xffffffffull; ++bits) {
    uint32_t word = uint32_t(bits);
    float x;
    std::memcpy(&x, &word, sizeof x);
    float got = sweep::exp32(x);
    double want = std::exp(double(x));
    if (std::isnan(x)) {
      wrongSpecials += !std::isnan(got);
      continue;
    }
    if (float(want) == std::numeric_limits<float>::infinity()) {
      wrongSpecials += got != std::numeric_limits<float>::infinity();
      continue;
    }
    ours.add(x, got, want);
    libm.add(x, std::exp(x), want);
    ++finite;
  }
  std::printf("inputs with a finite float result: %llu\n", (unsigned long long)finite);
  std::printf("exp32:      worst %.4f ulp (at %a), not correctly rounded %.3f%%\n", ours.worst,
              double(ours.worstAt), 100.0 * double(ours.notNearest) / double(finite));
  std::printf("libm expf:  worst %.4f ulp (at %a), not correctly rounded %.3f%%\n", libm.worst,
              double(libm.worstAt), 100.0 * double(libm.notNearest) / double(finite));
  std::printf("NaN and overflow inputs not giving NaN and inf: %llu\n",
              (unsigned long long)wrongSpecials);
  return wrongSpecials == 0 ? 0 : 1;
}
