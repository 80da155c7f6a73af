//===- FmaTarget.h - code built twice, with and without FMA -----*- C++ -*-===//
//
// std::fma is one instruction where the compiler may use FMA, a libm call
// per operation elsewhere (the runtime is built for any x86-64). Loops that
// fuse multiply-adds (the interpreter's products, exp32) are built a second
// time as SWEEP_WITH_FMA functions and chosen when the CPU has AVX2 and FMA.
// Both give the same bits: a fused multiply-add rounds once either way.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_FMATARGET_H
#define SWEEP_RUNTIME_KERNELS_FMATARGET_H

namespace sweep {

#if defined(__x86_64__) && defined(__GNUC__)
#define SWEEP_WITH_FMA __attribute__((target("avx2,fma"), flatten))
/// Whether this CPU runs SWEEP_WITH_FMA code.
inline bool cpuHasFma() {
  static const bool fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return fma;
}
#else
#define SWEEP_WITH_FMA
inline bool cpuHasFma() { return false; }
#endif

} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_FMATARGET_H
