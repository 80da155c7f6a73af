//===- OptimizerStepAvx2.cpp - an optimizer's rows with AVX2 --------------===//
//
// Built with -mavx2; only called where the CPU reports AVX2.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/OptimizerRows.h"

#include <immintrin.h>

namespace {
struct Avx2 {
  using T = __m256;
  static constexpr int kLanes = 8;
  static T set1(float x) { return _mm256_set1_ps(x); }
  static T load(const float *p) { return _mm256_loadu_ps(p); }
  static void store(float *p, T v) { _mm256_storeu_ps(p, v); }
  static void stream(float *p, T v) { _mm256_stream_ps(p, v); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
  static T sub(T a, T b) { return _mm256_sub_ps(a, b); }
  static T mul(T a, T b) { return _mm256_mul_ps(a, b); }
  static T div(T a, T b) { return _mm256_div_ps(a, b); }
  static T sqrt(T a) { return _mm256_sqrt_ps(a); }
};
} // namespace

using namespace sweep::optimizer_rows;

const RowFunctions sweep::optimizer_rows::kAvx2Rows = {sgdRows<Avx2>, adamRows<Avx2>};
