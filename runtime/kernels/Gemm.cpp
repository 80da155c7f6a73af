//===- Gemm.cpp - pick the instruction set for the blocked product --------===//

#include "runtime/kernels/Gemm.h"

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
