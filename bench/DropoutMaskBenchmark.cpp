//===- DropoutMaskBenchmark.cpp - what a step's dropout masks cost the host ===//
//
// Compiled programs take each dropout layer's mask [R, n, width] from the
// host, drawn per run by dropoutScales (runtime/rng/TrainingDraws.h) every
// step, so for wide groups the draws, not the kernels, can bound a step.
// Side by side in one run: dropoutScales (four draws per Philox block,
// compared as integers) and the definition it must equal (one block per
// draw, compared in double), for one run's mask of a
// batch of 128 rows by 32 units (`mask/...`); items are mask values.
//
//===----------------------------------------------------------------------===//

#include "runtime/rng/TrainingDraws.h"

#include <benchmark/benchmark.h>

#include <vector>

using namespace sweep;

namespace {
constexpr int64_t kRows = 128, kWidth = 32;
constexpr double kDrop = 0.2;

void maskByDefinition(benchmark::State &state) {
  std::vector<float> scale(size_t(kRows * kWidth));
  PhiloxStream stream(7, stream::kDropout);
  float keep = float(1.0 / (1.0 - kDrop));
  uint64_t step = 0;
  for (auto _ : state) {
    uint64_t base = step++ * uint64_t(kRows * kWidth);
    for (int64_t k = 0; k < kRows * kWidth; ++k)
      scale[size_t(k)] = double(uniformAt(stream, base + uint64_t(k))) < kDrop ? 0.0f : keep;
    benchmark::DoNotOptimize(scale.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * kRows * kWidth);
}

void maskByDropoutScales(benchmark::State &state) {
  std::vector<float> scale(size_t(kRows * kWidth));
  uint64_t step = 0;
  for (auto _ : state) {
    dropoutScales(7, 0, kDrop, step++, kRows, kRows, kWidth, scale.data());
    benchmark::DoNotOptimize(scale.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * kRows * kWidth);
}
} // namespace

BENCHMARK(maskByDefinition)->Name("mask/definition");
BENCHMARK(maskByDropoutScales)->Name("mask/dropoutScales");
BENCHMARK_MAIN();
