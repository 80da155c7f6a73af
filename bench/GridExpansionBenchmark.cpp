//===- GridExpansionBenchmark.cpp - front-end cost of large sweeps --------===//
//
// Measures how long the front end takes for sweeps of 10^3..10^5 runs: parse,
// sema, grid expansion and grouping (runFrontEnd), and printing the grid.
// bench/grid_expansion.sh runs it and records the medians in docs/performance.md.
//
//===----------------------------------------------------------------------===//

#include "lang/FrontEnd.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <benchmark/benchmark.h>

using namespace sweep;

namespace {
/// A Fashion-MNIST-like grid of 4 widths x `lrs` learning rates x 5 momenta x
/// `seeds` seeds, so runs = 20 * lrs * seeds. Synthetic data keeps the
/// benchmark free of file reads.
std::string makeGrid(int lrs, int seeds, bool constrained, bool conditional) {
  std::string optimizer =
      conditional
          ? "optimizer in [sgd(lr in logspace(1e-4, 1.0, " + std::to_string(lrs) +
                "), momentum in [0.0, 0.5, 0.9, 0.95, 0.99]), adam(lr in logspace(1e-5, 1e-2, " +
                std::to_string(lrs) + "), beta2 in [0.9, 0.99, 0.995, 0.999, 0.9999])];\n"
          : "optimizer sgd(lr in logspace(1e-4, 1.0, " + std::to_string(lrs) +
                "), momentum in [0.0, 0.5, 0.9, 0.95, 0.99]);\n";
  return "dataset d = blobs(n: 60000, classes: 10, features: 784, validation: 5000);\n"
         "model mlp(width: int, depth: int = 2) {\n"
         "  x = input(784);\n"
         "  repeat depth { x = relu(dense(x, width)); }\n"
         "  return dense(x, 10);\n"
         "}\n"
         "sweep big {\n"
         "  data d, batch 128, epochs 3;\n"
         "  model mlp(width in [64, 128, 256, 512]);\n"
         "  loss cross_entropy;\n" +
         optimizer + "  seed in 0.." + std::to_string(seeds - 1) + ";\n" +
         (constrained ? "  where width * lr <= 64;\n" : "") + "}\n";
}

struct Compiled {
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<SourceDiagnostics> diags;
  FrontEndResult result;
};

std::unique_ptr<Compiled> compile(const std::string &source) {
  auto compiled = std::make_unique<Compiled>();
  compiled->context.getDiagEngine().registerHandler([](mlir::Diagnostic &diag) {
    llvm::errs() << diag << "\n";
    return mlir::success();
  });
  compiled->sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source, "b.sweep"),
                                         llvm::SMLoc());
  compiled->diags = std::make_unique<SourceDiagnostics>(compiled->sourceMgr, &compiled->context);
  if (mlir::failed(runFrontEnd(compiled->sourceMgr, *compiled->diags, FrontEndOptions(),
                               compiled->result)))
    return nullptr;
  return compiled;
}

/// Parse + sema + expansion + grouping of a grid with state.range(0) runs.
void BM_FrontEnd(benchmark::State &state, bool constrained, bool conditional) {
  int runs = int(state.range(0));
  std::string source = makeGrid(runs / (20 * 10), 10, constrained, conditional);
  size_t expanded = 0;
  for (auto _ : state) {
    std::unique_ptr<Compiled> compiled = compile(source);
    if (!compiled) {
      state.SkipWithError("front end failed");
      return;
    }
    expanded = compiled->result.sweeps.front().runs.size();
    benchmark::DoNotOptimize(compiled);
  }
  state.counters["runs"] = double(expanded);
  state.counters["runs/s"] = benchmark::Counter(double(expanded), benchmark::Counter::kIsIterationInvariantRate);
}

/// Printing every run of the grid (`sweepc -emit=grid`), after the front end.
void BM_PrintGrid(benchmark::State &state) {
  int runs = int(state.range(0));
  std::unique_ptr<Compiled> compiled = compile(makeGrid(runs / 200, 10, false, false));
  const PlannedSweep &sweep = compiled->result.sweeps.front();
  for (auto _ : state) {
    std::string text;
    llvm::raw_string_ostream os(text);
    printGrid(*sweep.spec, sweep.runs, sweep.plan, os);
    benchmark::DoNotOptimize(text);
  }
  state.counters["runs"] = double(sweep.runs.size());
}
} // namespace

BENCHMARK_CAPTURE(BM_FrontEnd, product, false, false)
    ->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FrontEnd, where, true, false)
    ->Arg(100000)->Unit(benchmark::kMillisecond);
// The conditional grid has two alternatives of the same size: twice the runs.
BENCHMARK_CAPTURE(BM_FrontEnd, conditional, false, true)
    ->Arg(50000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PrintGrid)->Arg(100000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
