//===- DenseKernelBenchmark.cpp - the dense-layer kernels' throughput -----===//
//
// Google Benchmark of runtime/kernels on the shapes of Fashion-MNIST MLPs
// (batch 128, 784 inputs): the forward product, the weight gradient and the
// input gradient, for {runs, outputs} = {16, 128} (784-128-10) and {64, 16}
// (784-16-10). The first-layer products of a shared input run both as R
// products side by side (wide = 0) and as one wide GEMM over R*N columns
// (wide = 1). Reports GFLOP/s (2 per multiply-add) on one thread.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"
#include "runtime/kernels/Gemm.h"

#include <benchmark/benchmark.h>

#include <vector>

using namespace sweep;

namespace {
constexpr int64_t kBatch = 128, kInputs = 784;

struct Shape {
  int64_t runs, outputs;
  RunColumns columns;
};

Shape shapeOf(const benchmark::State &state) {
  return {state.range(0), state.range(1), state.range(2) ? RunColumns::Wide : RunColumns::PerRun};
}

void reportFlops(benchmark::State &state, const Shape &s) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * s.runs * kBatch * kInputs * s.outputs * double(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(gemmIsaName(bestGemmIsa()));
}

void forward(benchmark::State &state) {
  Shape s = shapeOf(state);
  std::vector<float> x(kBatch * kInputs, 0.5f), w(s.runs * kInputs * s.outputs, 0.25f),
      out(s.runs * kBatch * s.outputs, 0.0f);
  for (auto _ : state) {
    denseForwardKernel(x.data(), 0, kInputs, 1, w.data(), kInputs * s.outputs, s.outputs,
                       out.data(), kBatch * s.outputs, s.outputs, s.runs, kBatch, kInputs,
                       s.outputs, s.columns);
    benchmark::DoNotOptimize(out.data());
  }
  reportFlops(state, s);
}

void weightGradient(benchmark::State &state) {
  Shape s = shapeOf(state);
  std::vector<float> x(kBatch * kInputs, 0.5f), dy(s.runs * kBatch * s.outputs, 0.25f),
      dw(s.runs * kInputs * s.outputs, 0.0f);
  for (auto _ : state) {
    denseWeightGradKernel(x.data(), 0, kInputs, 1, dy.data(), kBatch * s.outputs, s.outputs,
                          dw.data(), kInputs * s.outputs, s.outputs, s.runs, kBatch, kInputs,
                          s.outputs, s.columns);
    benchmark::DoNotOptimize(dw.data());
  }
  reportFlops(state, s);
}

void inputGradient(benchmark::State &state) {
  Shape s = shapeOf(state);
  std::vector<float> dy(s.runs * kBatch * s.outputs, 0.25f), w(s.runs * kInputs * s.outputs, 0.5f),
      dx(s.runs * kBatch * kInputs, 0.0f);
  for (auto _ : state) {
    denseInputGradKernel(dy.data(), kBatch * s.outputs, s.outputs, w.data(), kInputs * s.outputs,
                         s.outputs, dx.data(), kBatch * kInputs, kInputs, s.runs, kBatch, kInputs,
                         s.outputs);
    benchmark::DoNotOptimize(dx.data());
  }
  reportFlops(state, s);
}
} // namespace

/// {runs, outputs, wide}: both layer shapes, each per run and (where the
/// input is shared) wide.
void shapes(benchmark::internal::Benchmark *b, bool wideToo) {
  b->ArgNames({"runs", "outputs", "wide"})->Unit(benchmark::kMillisecond);
  for (int64_t wide : {0, 1})
    if (!wide || wideToo) {
      b->Args({16, 128, wide});
      b->Args({64, 16, wide});
    }
}

BENCHMARK(forward)->Apply([](auto *b) { shapes(b, true); });
BENCHMARK(weightGradient)->Apply([](auto *b) { shapes(b, true); });
// The input gradient has a per-run input (dY): never wide.
BENCHMARK(inputGradient)->Apply([](auto *b) { shapes(b, false); });
BENCHMARK_MAIN();
