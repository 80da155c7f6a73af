//===- Gemm.cpp - pick the instruction set for the blocked product --------===//

#include "runtime/kernels/Gemm.h"

#include <chrono>
#include <utility>

using namespace sweep;

const char *sweep::gemmIsaName(GemmIsa isa) {
  switch (isa) {
  case GemmIsa::Portable:
    return "portable";
  case GemmIsa::Avx2:
    return "avx2";
  case GemmIsa::Avx512:
    return "avx512";
  }
  return "?";
}

std::vector<GemmIsa> sweep::availableGemmIsas() {
  std::vector<GemmIsa> isas{GemmIsa::Portable};
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    isas.push_back(GemmIsa::Avx2);
  if (__builtin_cpu_supports("avx512f"))
    isas.push_back(GemmIsa::Avx512);
#endif
  return isas;
}

GemmIsa sweep::bestGemmIsa() {
  static const GemmIsa best = availableGemmIsas().back();
  return best;
}

namespace {
/// Whether the slope's gate is C itself.
bool gateIsC(const GemmProblem &p) {
  return p.gate.base && p.gate.base == p.c && p.gate.runStride == p.cRunStride &&
         p.gate.rowStride == p.cRowStride && p.gate.colStride == p.cColStride;
}

/// The first and one past the last float a strided [runs, rows, cols] view
/// can touch (strides are not negative).
std::pair<const float *, const float *> span(const float *base, int64_t runs, int64_t runStride,
                                             int64_t rows, int64_t rowStride, int64_t cols,
                                             int64_t colStride) {
  return {base, base + (runs - 1) * runStride + (rows - 1) * rowStride + (cols - 1) * colStride + 1};
}

/// Whether A is C itself, the one overlap the blocked product handles.
bool aIsC(const GemmProblem &p) {
  return p.a.base == p.c && p.k == p.n && p.a.rowStride == p.cRowStride &&
         p.a.colStride == p.cColStride && (p.runs == 1 || p.a.runStride == p.cRunStride);
}

/// Whether A shares memory with C in any other way.
bool aOverlapsC(const GemmProblem &p) {
  if (p.sink || !p.c || p.k < 1 || aIsC(p))
    return false;
  auto a = span(p.a.base, p.runs, p.a.runStride, p.m, p.a.rowStride, p.k, p.a.colStride);
  auto c = span(p.c, p.runs, p.cRunStride, p.m, p.cRowStride, p.n, p.cColStride);
  return a.first < c.second && c.first < a.second;
}

/// `p` with A copied to `copy` (compact [R, M, K], or [M, K] when shared).
GemmProblem withACopied(const GemmProblem &p, std::vector<float> &copy) {
  const int64_t runs = p.a.runStride == 0 ? 1 : p.runs;
  copy.resize(size_t(runs * p.m * p.k));
  for (int64_t r = 0; r < runs; ++r)
    for (int64_t m = 0; m < p.m; ++m)
      for (int64_t k = 0; k < p.k; ++k)
        copy[size_t((r * p.m + m) * p.k + k)] =
            p.a.base[r * p.a.runStride + m * p.a.rowStride + k * p.a.colStride];
  GemmProblem q = p;
  q.a = {copy.data(), p.a.runStride == 0 ? 0 : p.m * p.k, p.k, 1};
  return q;
}

/// `p` with its gate copied to `copy` (compact [R, M, N]).
GemmProblem withGateCopied(const GemmProblem &p, std::vector<float> &copy) {
  copy.resize(size_t(p.runs * p.m * p.n));
  for (int64_t r = 0; r < p.runs; ++r)
    for (int64_t m = 0; m < p.m; ++m)
      for (int64_t n = 0; n < p.n; ++n)
        copy[size_t((r * p.m + m) * p.n + n)] =
            p.gate.base[r * p.gate.runStride + m * p.gate.rowStride + n * p.gate.colStride];
  GemmProblem q = p;
  q.gate = {copy.data(), p.m * p.n, p.n, 1};
  return q;
}
} // namespace

void sweep::gemmWith(GemmIsa isa, const GemmProblem &p) {
  if (aOverlapsC(p)) {
    static thread_local std::vector<float> a;
    return gemmWith(isa, withACopied(p, a));
  }
  if (gateIsC(p) && !p.sink && (p.k < 1 || p.k > kMaxKBlock)) {
    static thread_local std::vector<float> gate;
    return gemmWith(isa, withGateCopied(p, gate));
  }
  switch (isa) {
#if defined(__x86_64__)
  case GemmIsa::Avx512:
    return detail::gemmAvx512(p);
  case GemmIsa::Avx2:
    return detail::gemmAvx2(p);
#endif
  default:
    return detail::gemmPortable(p);
  }
}

GemmProblem sweep::runOf(const GemmProblem &p, int64_t r) {
  GemmProblem one = p;
  one.runs = 1;
  one.firstRun = p.firstRun + r;
  one.a.base += r * p.a.runStride;
  one.b.base += r * p.b.runStride;
  one.c += r * p.cRunStride;
  if (one.init.base)
    one.init.base += r * p.init.runStride;
  if (one.gate.base)
    one.gate.base += r * p.gate.runStride;
  return one;
}

void sweep::gemm(const GemmProblem &p) { gemmWith(bestGemmIsa(), p); }

double sweep::measureGemmRate(double seconds) {
  const int64_t m = 128, k = 784, n = 256;
  std::vector<float> a(size_t(m * k), 0.5f), b(size_t(k * n), 0.25f), c(size_t(m * n), 0.0f);
  GemmProblem p;
  p.m = m, p.k = k, p.n = n;
  p.a = {a.data(), 0, k, 1};
  p.b = {b.data(), 0, n, 1};
  p.c = c.data(), p.cRowStride = n;
  gemm(p); // Warm up: caches, packing buffers, the CPU's clock.
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  int64_t calls = 0;
  do {
    gemm(p);
    ++calls;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  return 2.0 * double(m * k * n) * double(calls) / elapsed;
}
