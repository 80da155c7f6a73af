//===- EnergyProbeBenchmark.cpp - what the energy instrumentation costs ----===//
//
// The pieces bench/energy_overhead.py multiplies by their counts: one probe
// call (what compiled code does at each phase), one ledger report (what the
// trainer does after each step and evaluation), and one window close with
// the model meter (a meter read and the split over runs). And the whole
// thing on one compiled training step of a Fashion-MNIST group (784-256-10
// relu, batch 128, 2 runs, sgd with momentum), compiled with and without
// probes and, with probes, reported to a ledger after every step as the
// trainer does: `trainStep/energy:0|1`, interleaved repetitions.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuBackend.h"
#include "runtime/energy/EnergyLedger.h"
#include "runtime/energy/Probes.h"

#include <benchmark/benchmark.h>

#include <random>

using namespace sweep;

namespace {
void probeCall(benchmark::State &state) {
  ProbeCounters counters({{"train_step", "forward", {1, 1}}});
  ActiveProbes active(counters);
  for (auto _ : state)
    sweep_energy_probe(0);
  benchmark::DoNotOptimize(&counters);
}

/// A ledger with the model meter and one account of `runs` alive runs.
struct LedgerWithRuns {
  explicit LedgerWithRuns(int64_t runs)
      : ledger(openModelMeter(EnergyModel::cpu(), "benchmark"), 1e9), alive(size_t(runs), 1) {
    std::vector<uint64_t> ids(static_cast<size_t>(runs));
    for (size_t i = 0; i < ids.size(); ++i)
      ids[i] = i;
    account = ledger.openAccount(ids);
  }
  EnergyLedger ledger;
  std::vector<uint8_t> alive;
  size_t account = 0;
};

void ledgerReport(benchmark::State &state) {
  LedgerWithRuns l(state.range(0));
  PhaseWork work;
  work.add("forward", {1e9, 1e8});
  work.add("backward", {2e9, 1e8});
  work.add("update", {1e7, 1e8});
  for (auto _ : state)
    l.ledger.addWork(l.account, work, l.alive.data());
}

void windowClose(benchmark::State &state) {
  LedgerWithRuns l(state.range(0));
  PhaseWork work;
  work.add("forward", {1e9, 1e8});
  std::string error;
  for (auto _ : state) {
    l.ledger.addWork(l.account, work, l.alive.data());
    l.ledger.closeWindow(error);
  }
}

void trainStep(benchmark::State &state) {
  const bool energy = state.range(0) != 0;
  GroupSpec group;
  group.inputs = 784, group.outputs = 10, group.batch = 128;
  group.layers = {{LayerSpec::Kind::Dense, 784, 256, Activation::Identity},
                  {LayerSpec::Kind::Activation, 256, 256, Activation::Relu},
                  {LayerSpec::Kind::Dense, 256, 10, Activation::Identity}};
  std::vector<RunSpec> runs(2);
  std::vector<const RunSpec *> pointers;
  for (size_t r = 0; r < runs.size(); ++r) {
    runs[r].id = r, runs[r].seed = r, runs[r].lr = 0.05, runs[r].momentum = 0.9;
    pointers.push_back(&runs[r]);
  }
  std::unique_ptr<Backend> backend = createCpuBackend(1, 0, energy);
  std::string error;
  std::unique_ptr<GroupProgram> program = backend->create(group, pointers, error);
  if (!program) {
    state.SkipWithError(error.c_str());
    return;
  }
  program->init();
  std::mt19937 gen(3);
  std::normal_distribution<float> normal;
  std::vector<float> x(128 * 784);
  for (float &v : x)
    v = normal(gen);
  std::vector<int32_t> labels(128);
  for (size_t i = 0; i < labels.size(); ++i)
    labels[i] = int32_t(i % 10);
  Batch batch{x.data(), labels.data(), nullptr, 128};
  EnergyLedger ledger(openModelMeter(EnergyModel::cpu(), "benchmark"), 0.2);
  size_t account = ledger.openAccount({0, 1});
  const uint8_t alive[] = {1, 1};
  const double lr[] = {0.05, 0.05};
  double loss[2];
  uint64_t step = 0;
  for (auto _ : state) {
    program->trainStep(batch, step++, lr, alive, loss);
    if (energy) {
      PhaseWork work;
      program->takeWork(work);
      ledger.addWork(account, work, alive);
    }
  }
}
} // namespace

BENCHMARK(trainStep)->ArgName("energy")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(probeCall);
BENCHMARK(ledgerReport)->Arg(8)->Arg(1024);
BENCHMARK(windowClose)->Arg(8)->Arg(1024);
BENCHMARK_MAIN();
