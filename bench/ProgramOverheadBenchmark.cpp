//===- ProgramOverheadBenchmark.cpp - the host's work per step of a program ===//
//
// A GPU step's kernels run on the device; what the host does around them is
// serial with them: per run, the learning rate from its schedule (the
// trainer) and the optimizer's hyperparameters (CompiledProgram), the copies
// of those in, and the per-run loss sums out. This measures that work for a
// compiled program whose code does nothing, its buffers in a host space that
// behaves like a device's (every input copied, every output copied back),
// for the run counts of a 100,000-run sweep's programs.
// `step/<runs>/<adam>`: microseconds per step; items are runs.
// `init/<runs>`: milliseconds for a program's initial weights (drawn on the
// host, then copied in), before its first step; items are weights.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/Schedule.h"
#include "runtime/kernels/ProgramHeap.h"

#include <benchmark/benchmark.h>

#include <cstring>

using namespace sweep;

namespace {
/// Code that does nothing: the host's share of a step, alone.
class IdleCode : public GroupCode {
public:
  void trainStep(void **) const override {}
  void evaluate(void **) const override {}
  const std::vector<PhaseCost> &phases() const override { return none; }
  bool countsCalls() const override { return true; }
  bool sumsRows() const override { return true; } // As GPU code: [R] loss sums.

private:
  std::vector<PhaseCost> none;
};

/// Host memory the program treats as a device's: inputs staged, outputs copied.
class StagedSpace : public BufferSpace {
public:
  void *allocate(size_t bytes) override { return programHeap::allocate(bytes, 64); }
  void release(void *pointer) override { programHeap::release(pointer); }
  void copy(void *to, const void *from, size_t bytes) override { std::memmove(to, from, bytes); }
  bool isHost() const override { return false; }
};

/// A program of `runs` runs of fashion_100k.sweep's 784-32-10 MLP.
struct Fashion100kProgram {
  Fashion100kProgram(size_t runs, bool adam) : specs(runs) {
    group.inputs = 784;
    group.outputs = 10;
    group.batch = 128;
    group.optimizer = adam ? OptimizerKind::AdamW : OptimizerKind::Sgd;
    group.layers = {{LayerSpec::Kind::Dense, 784, 32, Activation::Relu},
                    {LayerSpec::Kind::Dense, 32, 10, Activation::Identity}};
    std::vector<const RunSpec *> pointers;
    for (size_t r = 0; r < runs; ++r) {
      specs[r].optimizer = group.optimizer;
      specs[r].lr = 1e-3 * double(r + 1);
      specs[r].schedule = ScheduleKind::Cosine;
      specs[r].seed = r;
      pointers.push_back(&specs[r]);
    }
    program = createCompiledProgram(group, pointers, std::make_shared<IdleCode>(), nullptr, space);
  }

  GroupSpec group;
  std::vector<RunSpec> specs;
  StagedSpace space;
  std::unique_ptr<GroupProgram> program;
};

void init(benchmark::State &state) {
  Fashion100kProgram fashion(size_t(state.range(0)), false);
  // Once untimed: the first touches the "device" buffers' host pages, which a
  // GPU's memory does not have.
  fashion.program->init();
  for (auto _ : state)
    fashion.program->init();
  int64_t weights = 0;
  for (const LayerSpec &layer : fashion.group.layers)
    weights += layer.inputs * layer.outputs;
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0) * weights);
}

void step(benchmark::State &state) {
  size_t runs = size_t(state.range(0));
  Fashion100kProgram fashion(runs, state.range(1) != 0);
  const GroupSpec &group = fashion.group;
  const std::vector<RunSpec> &specs = fashion.specs;
  GroupProgram *program = fashion.program.get();
  program->init();
  std::vector<float> x(size_t(group.batch * group.inputs), 0.5f);
  std::vector<int32_t> labels(size_t(group.batch), 3);
  Batch batch{x.data(), labels.data(), nullptr, group.batch, 0};
  std::vector<double> lr(runs), loss(runs);
  std::vector<uint8_t> alive(runs, 1);
  uint64_t s = 0;
  for (auto _ : state) {
    scheduledLearningRates( // The trainer's part.
        runs, [&](size_t r) -> const RunSpec & { return specs[r]; }, s, 469, 1, lr.data());
    program->trainStep(batch, s++, lr.data(), alive.data(), loss.data());
    benchmark::DoNotOptimize(loss.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(runs));
}
} // namespace

BENCHMARK(init)->Name("init")->Arg(1250)->Arg(12500)->ArgName("runs")->Unit(benchmark::kMillisecond);
BENCHMARK(step)
    ->Name("step")
    ->ArgsProduct({{1250, 12500}, {0, 1}})
    ->ArgNames({"runs", "adam"})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
