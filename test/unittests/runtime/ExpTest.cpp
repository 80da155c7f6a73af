//===- ExpTest.cpp - sweep::exp32 against double-precision exp ------------===//
//
// exp32 replaces libm's expf in every CPU backend (runtime/kernels/Exp.h).
// Over all 2^32 inputs it is within 1.014 ulp of exp in double precision and
// correctly rounded for 99.47% of them (bench/ExpAccuracy.cpp, in
// docs/performance.md); here a sample of every float's bit pattern at a
// prime stride, and the edges, hold it to that.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/Exp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace sweep;

namespace {
float floatOf(uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

/// The error of `got` in units in the last place of float at `want`.
double ulpError(float got, double want) {
  double ulp = want < double(std::numeric_limits<float>::min())
                   ? std::ldexp(1.0, -149)
                   : std::ldexp(1.0, std::ilogb(want) - 23);
  return std::fabs(double(got) - want) / ulp;
}

constexpr float kInf = std::numeric_limits<float>::infinity();
} // namespace

TEST(Exp, IsWithinOneUlpOfExpInDoubleAcrossTheFloatRange) {
  double worst = 0;
  float worstAt = 0;
  int64_t checked = 0;
  for (uint64_t bits = 0; bits <= 0xffffffffull; bits += 997) {
    float x = floatOf(uint32_t(bits));
    double want = std::exp(double(x));
    if (std::isnan(x) || want > double(std::numeric_limits<float>::max()))
      continue;
    double error = ulpError(exp32(x), want);
    if (error > worst) {
      worst = error;
      worstAt = x;
    }
    ++checked;
  }
  EXPECT_GT(checked, 3000000);
  EXPECT_LE(worst, 1.014) << "at x = " << worstAt;
}

TEST(Exp, KeepsTheSpecialValuesAndTheEdgesOfTheRange) {
  EXPECT_EQ(exp32(0.0f), 1.0f);
  EXPECT_EQ(exp32(-0.0f), 1.0f);
  EXPECT_TRUE(std::isnan(exp32(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(exp32(-std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(exp32(kInf), kInf);
  EXPECT_EQ(exp32(-kInf), 0.0f);
  // exp(88.72283) is below FLT_MAX; exp(88.72284) above it.
  EXPECT_LT(exp32(88.72283f), kInf);
  EXPECT_EQ(exp32(88.72284f), kInf);
  EXPECT_EQ(exp32(1000.0f), kInf);
  // Subnormal results underflow gradually, then round to 0.
  float tiny = exp32(-100.0f);
  EXPECT_GT(tiny, 0.0f);
  EXPECT_LT(tiny, std::numeric_limits<float>::min());
  EXPECT_LE(ulpError(tiny, std::exp(-100.0)), 1.0);
  EXPECT_EQ(exp32(-104.0f), 0.0f);
  EXPECT_EQ(exp32(-1000.0f), 0.0f);
  EXPECT_LE(ulpError(exp32(1.0f), std::exp(1.0)), 1.0);
}

TEST(Exp, DoubleKeepsLibmExp) {
  EXPECT_EQ(exponential(0.5), std::exp(0.5));
  EXPECT_EQ(exponential(0.5f), exp32(0.5f));
}
