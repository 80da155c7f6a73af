//===- Gemm.cpp - pick the instruction set for the blocked product --------===//

#include "runtime/kernels/Gemm.h"

#include <chrono>

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

void sweep::gemmWith(GemmIsa isa, const GemmProblem &p) {
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
