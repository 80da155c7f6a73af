//===- FmaPeak.cpp - the machine's fused multiply-add throughput ----------===//
//
// The ceiling every speed figure is compared with: independent chains of
// vector FMAs (10 accumulators, more than latency x ports), with AVX2 and,
// where the CPU has it, AVX-512, on 1 thread and on every hardware thread at
// once. Prints one line per measurement: `<isa> <threads> <GFLOP/s>` (the
// sum over threads; 2 FLOPs per lane per FMA). Each function carries its own
// target attribute, so the binary runs on any x86-64 and skips what the CPU
// lacks.
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {
constexpr long kIterations = 200000000;

#define FMA_CHAINS(V, FMA, SET, LANES)                                                             \
  V a0 = SET(1.0f), a1 = SET(1.1f), a2 = SET(1.2f), a3 = SET(1.3f), a4 = SET(1.4f),                \
    a5 = SET(1.5f), a6 = SET(1.6f), a7 = SET(1.7f), a8 = SET(1.8f), a9 = SET(1.9f);                \
  V m = SET(0.9999f), c = SET(1e-7f);                                                              \
  auto start = std::chrono::steady_clock::now();                                                   \
  for (long i = 0; i < kIterations; ++i) {                                                         \
    a0 = FMA(a0, m, c), a1 = FMA(a1, m, c), a2 = FMA(a2, m, c), a3 = FMA(a3, m, c);                \
    a4 = FMA(a4, m, c), a5 = FMA(a5, m, c), a6 = FMA(a6, m, c), a7 = FMA(a7, m, c);                \
    a8 = FMA(a8, m, c), a9 = FMA(a9, m, c);                                                        \
    /* Keep every chain in a register and every FMA alive. */                                      \
    __asm__ volatile(""                                                                            \
                     : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), "+v"(a6),       \
                       "+v"(a7), "+v"(a8), "+v"(a9));                                              \
  }                                                                                                \
  double seconds =                                                                                 \
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();             \
  return kIterations * 10.0 * LANES * 2.0 / seconds / 1e9;

__attribute__((target("avx2,fma"))) double avx2Rate() {
  FMA_CHAINS(__m256, _mm256_fmadd_ps, _mm256_set1_ps, 8)
}

__attribute__((target("avx512f"))) double avx512Rate() {
  FMA_CHAINS(__m512, _mm512_fmadd_ps, _mm512_set1_ps, 16)
}

double onThreads(double (*rate)(), unsigned threads) {
  std::vector<double> rates(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { rates[t] = rate(); });
  double total = 0;
  for (unsigned t = 0; t < threads; ++t) {
    pool[t].join();
    total += rates[t];
  }
  return total;
}
} // namespace

int main() {
  unsigned all = std::max(1u, std::thread::hardware_concurrency());
  struct Isa {
    const char *name;
    bool present;
    double (*rate)();
  } isas[] = {
      {"avx2", __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), avx2Rate},
      {"avx512", bool(__builtin_cpu_supports("avx512f")), avx512Rate},
  };
  for (const Isa &isa : isas) {
    if (!isa.present)
      continue;
    std::printf("%s 1 %.1f\n", isa.name, isa.rate());
    std::printf("%s %u %.1f\n", isa.name, all, onThreads(isa.rate, all));
  }
  return 0;
}
