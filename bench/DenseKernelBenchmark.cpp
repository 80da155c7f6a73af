//===- DenseKernelBenchmark.cpp - the dense-layer kernels' throughput -----===//
//
// Google Benchmark of runtime/kernels on the shapes of a Fashion-MNIST MLP
// (batch 128, 784 -> 128) for 16 runs: the forward product, the weight
// gradient and the input gradient. Reports GFLOP/s (2 per multiply-add).
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"

#include <benchmark/benchmark.h>

#include <vector>

using namespace sweep;

namespace {
constexpr int64_t kRuns = 16, kBatch = 128, kInputs = 784, kOutputs = 128;

void reportFlops(benchmark::State &state) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * kRuns * kBatch * kInputs * kOutputs * double(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}

void forward(benchmark::State &state) {
  std::vector<float> x(kBatch * kInputs, 0.5f), w(kRuns * kInputs * kOutputs, 0.25f),
      out(kRuns * kBatch * kOutputs, 0.0f);
  for (auto _ : state) {
    denseForwardKernel(x.data(), 0, kInputs, 1, w.data(), kInputs * kOutputs, kOutputs, out.data(),
                       kBatch * kOutputs, kOutputs, kRuns, kBatch, kInputs, kOutputs);
    benchmark::DoNotOptimize(out.data());
  }
  reportFlops(state);
}

void weightGradient(benchmark::State &state) {
  std::vector<float> x(kBatch * kInputs, 0.5f), dy(kRuns * kBatch * kOutputs, 0.25f),
      dw(kRuns * kInputs * kOutputs, 0.0f);
  for (auto _ : state) {
    denseWeightGradKernel(x.data(), 0, kInputs, 1, dy.data(), kBatch * kOutputs, kOutputs,
                          dw.data(), kInputs * kOutputs, kOutputs, kRuns, kBatch, kInputs,
                          kOutputs);
    benchmark::DoNotOptimize(dw.data());
  }
  reportFlops(state);
}

void inputGradient(benchmark::State &state) {
  std::vector<float> dy(kRuns * kBatch * kOutputs, 0.25f), w(kRuns * kInputs * kOutputs, 0.5f),
      dx(kRuns * kBatch * kInputs, 0.0f);
  for (auto _ : state) {
    denseInputGradKernel(dy.data(), kBatch * kOutputs, kOutputs, w.data(), kInputs * kOutputs,
                         kOutputs, dx.data(), kBatch * kInputs, kInputs, kRuns, kBatch, kInputs,
                         kOutputs);
    benchmark::DoNotOptimize(dx.data());
  }
  reportFlops(state);
}
} // namespace

BENCHMARK(forward)->Unit(benchmark::kMillisecond);
BENCHMARK(weightGradient)->Unit(benchmark::kMillisecond);
BENCHMARK(inputGradient)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
