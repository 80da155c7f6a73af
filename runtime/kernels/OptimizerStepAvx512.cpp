//===- OptimizerStepAvx512.cpp - an optimizer's rows with AVX-512 ---------===//
//
// Built with -mavx512f; only called where the CPU reports AVX-512F.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/OptimizerRows.h"

#include <immintrin.h>

namespace {
struct Avx512 {
  using T = __m512;
  static constexpr int kLanes = 16;
  static T set1(float x) { return _mm512_set1_ps(x); }
  static T load(const float *p) { return _mm512_loadu_ps(p); }
  static void store(float *p, T v) { _mm512_storeu_ps(p, v); }
  static void stream(float *p, T v) { _mm512_stream_ps(p, v); }
  static T add(T a, T b) { return _mm512_add_ps(a, b); }
  static T sub(T a, T b) { return _mm512_sub_ps(a, b); }
  static T mul(T a, T b) { return _mm512_mul_ps(a, b); }
  static T div(T a, T b) { return _mm512_div_ps(a, b); }
  // The masked form: the plain one leaves its source undefined (a GCC warning).
  static T sqrt(T a) { return _mm512_mask_sqrt_ps(a, 0xFFFF, a); }
};
} // namespace

using namespace sweep::optimizer_rows;

const RowFunctions sweep::optimizer_rows::kAvx512Rows = {sgdRows<Avx512>, adamRows<Avx512>};
