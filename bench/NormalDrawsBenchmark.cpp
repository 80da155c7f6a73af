//===- NormalDrawsBenchmark.cpp - what a normal draw costs the host --------===//
//
// A program's initial weights are one normal draw per weight: 318 million for
// 12,500 runs of 784-32-10, drawn on the host before a GPU's first step.
// Side by side in one run, per draw (items): the formula as it was before
// sweepc had its own log and cosine (glibc's, one block at a time,
// `normal/glibc`), the portable definition and the AVX-512 code
// (`normal/portable`, `normal/avx512`, runtime/rng/NormalDraws.h), and one
// run's 784 x 32 weights through initDenseWeights (`init/784x32`).
// `normal/agreement` is a comparison, not a timing: over 2^20 draws, how many
// of the float weights they make (He-normal of a 784-input layer: the draw
// times sqrt(2/784), rounded to float, as initDenseWeights does) differ from
// the glibc formula's (`float_differences`), and the largest difference of
// the draws in double (`largest_difference`).
//
//===----------------------------------------------------------------------===//

#include "runtime/rng/NormalDraws.h"
#include "runtime/rng/Streams.h"
#include "runtime/rng/TrainingDraws.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace sweep;

namespace {
constexpr size_t kDraws = 4096;

double glibcNormal(const PhiloxStream &stream, uint64_t index) {
  PhiloxBlock b = stream.block(index);
  uint64_t hi = (uint64_t(b[0]) << 32 | b[1]) >> 11, lo = (uint64_t(b[2]) << 32 | b[3]) >> 11;
  double u1 = (double(hi) + 1.0) * 0x1.0p-53, u2 = double(lo) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

void normalGlibc(benchmark::State &state) {
  std::vector<double> out(kDraws);
  PhiloxStream stream(7, stream::kInit);
  uint64_t first = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kDraws; ++i)
      out[i] = glibcNormal(stream, first + i);
    first += kDraws;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kDraws));
}

void normalWith(benchmark::State &state, DrawIsa isa) {
  std::vector<DrawIsa> isas = availableDrawIsas();
  if (std::find(isas.begin(), isas.end(), isa) == isas.end()) {
    state.SkipWithError("this CPU lacks the instruction set");
    return;
  }
  std::vector<double> out(kDraws);
  PhiloxStream stream(7, stream::kInit);
  uint64_t first = 0;
  for (auto _ : state) {
    normalsWith(isa, stream, first, kDraws, out.data());
    first += kDraws;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kDraws));
}

void agreement(benchmark::State &state) {
  constexpr size_t kCompared = size_t(1) << 20;
  std::vector<double> ours(kCompared);
  PhiloxStream stream(7, stream::kInit);
  const double spread = std::sqrt(2.0 / 784.0);
  size_t floatDifferences = 0;
  double largest = 0;
  for (auto _ : state) {
    normalsAt(stream, 0, kCompared, ours.data());
    for (size_t i = 0; i < kCompared; ++i) {
      double theirs = glibcNormal(stream, i);
      floatDifferences += float(spread * ours[i]) != float(spread * theirs);
      largest = std::max(largest, std::fabs(ours[i] - theirs));
    }
  }
  state.counters["float_differences"] = double(floatDifferences);
  state.counters["largest_difference"] = largest;
}

void initLayer(benchmark::State &state) {
  RunSpec run;
  run.init = InitKind::HeNormal;
  std::vector<float> w(784 * 32);
  for (auto _ : state) {
    ++run.seed;
    initDenseWeights(run, 0, 784, 32, w.data());
    benchmark::DoNotOptimize(w.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 784 * 32);
}
} // namespace

BENCHMARK(normalGlibc)->Name("normal/glibc");
BENCHMARK_CAPTURE(normalWith, portable, DrawIsa::Portable)->Name("normal/portable");
BENCHMARK_CAPTURE(normalWith, avx512, DrawIsa::Avx512)->Name("normal/avx512");
BENCHMARK(initLayer)->Name("init/784x32");
BENCHMARK(agreement)->Name("normal/agreement")->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
