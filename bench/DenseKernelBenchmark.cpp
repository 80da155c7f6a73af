//===- DenseKernelBenchmark.cpp - the dense-layer kernels' throughput -----===//
//
// Google Benchmark of runtime/kernels on the shapes of Fashion-MNIST MLPs
// (batch 128, 784 inputs): the forward product, the weight gradient and the
// input gradient, for {runs, outputs} = {16, 128} (784-128-10) and {64, 16}
// (784-16-10). The first-layer products of a shared input run both as R
// products side by side (wide = 0) and as one wide GEMM over R*N columns
// (wide = 1), and the wide first layers of the bench/cpu_sweeps workloads.
// Reports GFLOP/s (2 per multiply-add) on one thread.
//
// hiddenLayer and hiddenInputGradient measure the GEMM epilogues side by side:
// a hidden layer's bias + product + relu, and the next layer's input gradient
// times relu's slope, as one fused kernel call (fused = 1) and as the separate
// passes the compiled code made before (fused = 0: bias broadcast, product,
// then an elementwise loop into a second buffer).
//
// perRunLayer measures a per-run 256 x 256 hidden layer's three kernels
// (forward, input gradient through relu, weight gradient with the SGD step).
//
// oddRuns: the wide first layer of 784-16-10 (forward and weight gradient)
// for 1 to 8 runs, the sizes compaction leaves: its R*16 columns fill the
// AVX-512 kernels' 32-column panels only for an even R, and the time per run
// shows what the half-empty last panel costs.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/Activation.h"
#include "runtime/kernels/DenseKernels.h"
#include "runtime/kernels/Gemm.h"

#include <benchmark/benchmark.h>

#include <utility>
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
void hiddenLayer(benchmark::State &state) {
  Shape s{state.range(0), state.range(1), RunColumns::Wide};
  const bool fused = state.range(2);
  std::vector<float> x(kBatch * kInputs, 0.5f), w(s.runs * kInputs * s.outputs, 0.25f),
      bias(s.runs * s.outputs, -100.0f), z(s.runs * kBatch * s.outputs, 0.0f),
      h(s.runs * kBatch * s.outputs, 0.0f);
  const int64_t count = s.runs * kBatch * s.outputs;
  for (auto _ : state) {
    if (fused) {
      denseForwardKernel(x.data(), 0, kInputs, 1, w.data(), kInputs * s.outputs, s.outputs,
                         h.data(), kBatch * s.outputs, s.outputs, s.runs, kBatch, kInputs,
                         s.outputs, s.columns, {bias.data(), s.outputs, 1, Epilogue::Relu});
    } else {
      for (int64_t r = 0; r < s.runs; ++r)
        for (int64_t b = 0; b < kBatch; ++b)
          for (int64_t n = 0; n < s.outputs; ++n)
            z[(r * kBatch + b) * s.outputs + n] = bias[r * s.outputs + n];
      denseForwardKernel(x.data(), 0, kInputs, 1, w.data(), kInputs * s.outputs, s.outputs,
                         z.data(), kBatch * s.outputs, s.outputs, s.runs, kBatch, kInputs,
                         s.outputs, s.columns);
      for (int64_t i = 0; i < count; ++i)
        h[i] = activation::relu(z[i]);
    }
    benchmark::DoNotOptimize(h.data());
  }
  reportFlops(state, s);
}

/// The 784-W-10 network's second layer backward: dh[r, b, :] = dy[r, b, :10]
/// x w[r]^T, times relu's slope at h. Its GFLOP/s counts its own products.
void hiddenInputGradient(benchmark::State &state) {
  const int64_t runs = state.range(0), width = state.range(1), classes = 10;
  const bool fused = state.range(2);
  std::vector<float> dy(runs * kBatch * classes, 0.25f), w(runs * width * classes, 0.5f),
      h(runs * kBatch * width, 1.0f), dh(runs * kBatch * width, 0.0f),
      dz(runs * kBatch * width, 0.0f);
  const int64_t count = runs * kBatch * width;
  for (auto _ : state) {
    if (fused) {
      denseInputGradKernel(dy.data(), kBatch * classes, classes, w.data(), width * classes, classes,
                           dz.data(), kBatch * width, width, runs, kBatch, width, classes,
                           {h.data(), kBatch * width, width, Epilogue::ReluSlope});
    } else {
      for (int64_t i = 0; i < count; ++i)
        dh[i] = 0.0f;
      denseInputGradKernel(dy.data(), kBatch * classes, classes, w.data(), width * classes, classes,
                           dh.data(), kBatch * width, width, runs, kBatch, width, classes);
      for (int64_t i = 0; i < count; ++i)
        dz[i] = dh[i] * (h[i] > 0.0f ? 1.0f : 0.0f);
    }
    benchmark::DoNotOptimize(dz.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * runs * kBatch * width * classes * double(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(gemmIsaName(bestGemmIsa()));
}

/// A per-run hidden layer (784-256-256-10's second layer: 16 runs of a
/// 256 x 256 product with batch 128), each of its three kernels as the
/// compiled code calls them: 0 = forward with bias, 1 = input gradient
/// through relu, 2 = weight gradient ending in a plain SGD step.
void perRunLayer(benchmark::State &state) {
  const int64_t runs = 16, width = 256, kind = state.range(0);
  std::vector<float> x(runs * kBatch * width, 0.5f), w(runs * width * width, 0.25f),
      bias(runs * width, 0.1f), out(runs * kBatch * width), dy(runs * kBatch * width, 0.1f),
      newW(w.size()), lr(runs, 0.01f), zero(runs, 0.0f);
  OptimizerStep step;
  step.kind = UpdateRule::Sgd;
  step.m = width, step.n = width;
  step.param = step.state[0] = {w.data(), width * width, width, 1};
  step.newParam = step.newState[0] = {newW.data(), width * width, width, 1};
  step.hyper[0] = {lr.data(), 1};
  step.hyper[1] = step.hyper[2] = step.hyper[3] = {zero.data(), 1};
  for (auto _ : state) {
    if (kind == 0)
      denseForwardKernel(x.data(), kBatch * width, width, 1, w.data(), width * width, width,
                         out.data(), kBatch * width, width, runs, kBatch, width, width,
                         RunColumns::PerRun, {bias.data(), width, 1, Epilogue::Relu});
    else if (kind == 1)
      denseInputGradKernel(dy.data(), kBatch * width, width, w.data(), width * width, width,
                           out.data(), kBatch * width, width, runs, kBatch, width, width,
                           {x.data(), kBatch * width, width, Epilogue::ReluSlope});
    else
      denseWeightGradStepKernel(x.data(), kBatch * width, width, 1, dy.data(), kBatch * width,
                                width, runs, kBatch, width, width, RunColumns::PerRun, step);
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(newW.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * runs * kBatch * width * width * double(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(gemmIsaName(bestGemmIsa()));
}
} // namespace

/// {runs, outputs, fused}: the two layer shapes, separate passes and fused.
void epilogueShapes(benchmark::internal::Benchmark *b) {
  b->ArgNames({"runs", "width", "fused"})->Unit(benchmark::kMicrosecond);
  for (int64_t fused : {0, 1}) {
    b->Args({16, 128, fused});
    b->Args({64, 16, fused});
  }
}

/// {runs, outputs, wide}: both layer shapes, each per run and (where the
/// input is shared) wide.
void shapes(benchmark::internal::Benchmark *b, bool wideToo) {
  b->ArgNames({"runs", "outputs", "wide"})->Unit(benchmark::kMillisecond);
  for (int64_t wide : {0, 1})
    if (!wide || wideToo) {
      b->Args({16, 128, wide});
      b->Args({64, 16, wide});
    }
  // The first layers of bench/cpu_sweeps (issue 6): 64 x 128, 16 x 256, 256 x 32.
  if (wideToo)
    for (auto [runs, outputs] : {std::pair{64, 128}, {16, 256}, {256, 32}})
      b->Args({runs, outputs, 1});
}

BENCHMARK(forward)->Apply([](auto *b) { shapes(b, true); });
BENCHMARK(weightGradient)->Apply([](auto *b) { shapes(b, true); });
// The input gradient has a per-run input (dY): never wide.
BENCHMARK(inputGradient)->Apply([](auto *b) { shapes(b, false); });
BENCHMARK(hiddenLayer)->Apply(epilogueShapes);
BENCHMARK(hiddenInputGradient)->Apply(epilogueShapes);
void oddRuns(benchmark::State &state) {
  Shape s{state.range(0), 16, RunColumns::Wide};
  std::vector<float> x(kBatch * kInputs, 0.5f), w(s.runs * kInputs * s.outputs, 0.25f),
      out(s.runs * kBatch * s.outputs, 0.0f), dw(s.runs * kInputs * s.outputs, 0.0f);
  for (auto _ : state) {
    denseForwardKernel(x.data(), 0, kInputs, 1, w.data(), kInputs * s.outputs, s.outputs,
                       out.data(), kBatch * s.outputs, s.outputs, s.runs, kBatch, kInputs,
                       s.outputs, s.columns);
    denseWeightGradKernel(x.data(), 0, kInputs, 1, out.data(), kBatch * s.outputs, s.outputs,
                          dw.data(), kInputs * s.outputs, s.outputs, s.runs, kBatch, kInputs,
                          s.outputs, s.columns);
    benchmark::DoNotOptimize(dw.data());
  }
  state.counters["us_per_run"] = benchmark::Counter(
      double(s.runs), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert,
      benchmark::Counter::kIs1000);
  reportFlops(state, s);
}

BENCHMARK(oddRuns)->ArgName("runs")->DenseRange(1, 8)->Unit(benchmark::kMicrosecond);
BENCHMARK(perRunLayer)->ArgName("kernel")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
