//===- DifferentialTest.cpp - compiled groups against the interpreter -----===//
//
// Random small models and runs (widths, depths, activations, dropout, losses,
// optimizers, schedules' per-step rates, R from 1 to 64) train for a number
// of steps with the reference interpreter and with the compiled CPU backend
// from the same initial weights, batches and dropout draws. The compiled code
// keeps the interpreter's loop order and arithmetic, so the weights after
// training, the per-step losses and the evaluation sums are all identical,
// and a run trained inside a fused group matches the same run compiled alone.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuBackend.h"
#include "codegen/cpu/JitCompiler.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/interp/Interpreter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>

using namespace sweep;

namespace {
/// Relative tolerance on per-step losses and evaluation sums: none. The
/// compiled code reports each row's loss in double and the runtime sums the
/// rows in the interpreter's order, so the numbers are the same.
constexpr double kTolerance = 0;

struct Case {
  GroupSpec group;
  std::vector<RunSpec> runs;
  std::vector<float> x, targets;
  std::vector<int32_t> labels;
  int64_t samples = 0;
};

/// The ranges a random case's sizes are drawn from.
struct CaseSizes {
  int maxInputs = 12;
  int minWidth = 1, maxWidth = 24; // hidden layers
  int minBatch = 3, maxBatch = 16;
};

/// Layers and batches long enough for the GPU's shared-memory tiles (sides of
/// 16 and more), with partial tiles at every edge: widths past one 64-wide
/// tile, reductions that are not a multiple of 16, a short last batch.
constexpr CaseSizes kTiledSizes{80, 16, 80, 17, 40};

Case randomCase(std::mt19937 &gen, int64_t runCount, const CaseSizes &sizes = {}) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(gen);
  };
  Case c;
  GroupSpec &g = c.group;
  g.inputs = pick(1, sizes.maxInputs);
  g.outputs = pick(2, 5);
  g.classification = pick(0, 3) != 0;
  g.loss = g.classification && pick(0, 3) != 0 ? LossKind::CrossEntropy : LossKind::Mse;
  g.optimizer = OptimizerKind(pick(0, 2));
  g.batch = pick(sizes.minBatch, sizes.maxBatch);
  int64_t width = g.inputs;
  int depth = pick(1, 3), dropouts = 0;
  for (int d = 0; d < depth; ++d) {
    int64_t out = d + 1 == depth ? g.outputs : pick(sizes.minWidth, sizes.maxWidth);
    g.layers.push_back({LayerSpec::Kind::Dense, width, out, Activation::Identity});
    width = out;
    if (d + 1 == depth)
      break;
    g.layers.push_back({LayerSpec::Kind::Activation, width, width, Activation(pick(0, 4))});
    if (pick(0, 2) == 0) {
      g.layers.push_back({LayerSpec::Kind::Dropout, width, width, Activation::Identity});
      ++dropouts;
    }
  }
  for (int64_t r = 0; r < runCount; ++r) {
    RunSpec run;
    run.id = uint64_t(r);
    run.seed = uint64_t(pick(0, 1000));
    run.optimizer = g.optimizer;
    run.lr = std::exp(uniform(std::log(1e-3), std::log(0.3)));
    run.momentum = pick(0, 1) ? uniform(0, 0.95) : 0;
    run.nesterov = pick(0, 1);
    run.weightDecay = pick(0, 1) ? uniform(0, 0.05) : 0;
    run.beta1 = uniform(0.8, 0.95);
    run.beta2 = uniform(0.99, 0.9999);
    // Runs in a row often share their betas (the host computes a shared bias
    // correction once): half the runs take the one before's.
    if (r > 0 && pick(0, 1)) {
      run.beta1 = c.runs.back().beta1;
      run.beta2 = c.runs.back().beta2;
    }
    run.eps = 1e-8;
    run.init = InitKind(pick(0, 3));
    run.gain = uniform(0.5, 1.5);
    for (int d = 0; d < dropouts; ++d)
      run.dropout.push_back(pick(0, 2) ? uniform(0, 0.6) : 0);
    c.runs.push_back(run);
  }
  c.samples = g.batch * 3 + pick(1, g.batch - 1); // The last batch is short.
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int64_t i = 0; i < c.samples * g.inputs; ++i)
    c.x.push_back(normal(gen));
  for (int64_t i = 0; i < c.samples; ++i)
    c.labels.push_back(int32_t(gen() % uint32_t(g.outputs)));
  for (int64_t i = 0; i < c.samples * g.outputs; ++i)
    c.targets.push_back(normal(gen));
  return c;
}

Batch batchOf(const Case &c, int64_t from, int64_t n) {
  Batch batch;
  batch.x = c.x.data() + from * c.group.inputs;
  batch.n = n;
  if (c.group.classification)
    batch.classes = c.labels.data() + from;
  else
    batch.targets = c.targets.data() + from * c.group.outputs;
  return batch;
}

/// Per-step losses [step][run] and final evaluation sums of `runs` of `c`.
struct Trace {
  std::vector<std::vector<double>> losses;
  std::vector<EvalSums> eval;
  std::vector<std::vector<float>> parameters; // Per run, after the last step.
};

/// A compaction during training: before step `atStep`, keep `runs`.
struct GatherAt {
  int atStep = -1;
  std::vector<size_t> keep;
};

/// Trains `runs` for `steps` (with a gather when `gather.atStep` >= 0),
/// numbering the steps from `firstStep`, and evaluates; the trace has the
/// losses of every step, the final evaluation sums and parameters of the
/// runs the program holds at the end.
Trace train(Backend &backend, const Case &c, std::vector<const RunSpec *> runs, int steps,
            const GatherAt &gather = {}, uint64_t firstStep = 0) {
  std::string error;
  std::unique_ptr<GroupProgram> program = backend.create(c.group, runs, error);
  EXPECT_TRUE(program) << error;
  Trace trace;
  if (!program)
    return trace;
  program->init();
  int64_t batches = (c.samples + c.group.batch - 1) / c.group.batch;
  // Each batch announced one call ahead, as the trainer's BatchStream does.
  std::vector<Batch> stepBatches;
  for (int s = 0; s < steps; ++s) {
    int64_t from = (s % batches) * c.group.batch;
    stepBatches.push_back(batchOf(c, from, std::min(c.group.batch, c.samples - from)));
    stepBatches.back().id = nextBatchId();
  }
  Batch evalBatch = batchOf(c, 0, c.samples);
  evalBatch.id = nextBatchId();
  program->prefetch(stepBatches[0]);
  for (int s = 0; s < steps; ++s) {
    if (s == gather.atStep) {
      EXPECT_TRUE(program->gather(gather.keep, error)) << error;
      std::vector<const RunSpec *> kept;
      for (size_t index : gather.keep)
        kept.push_back(runs[index]);
      runs = kept;
      EXPECT_EQ(program->runCount(), runs.size());
    }
    size_t r = runs.size();
    std::vector<uint8_t> alive(r, 1);
    std::vector<double> lr(r), loss(r);
    for (size_t i = 0; i < r; ++i)
      lr[i] = runs[i]->lr * (1.0 - 0.5 * s / steps); // A decaying per-step rate.
    program->prefetch(s + 1 < steps ? stepBatches[size_t(s) + 1] : evalBatch);
    program->trainStep(stepBatches[size_t(s)], firstStep + uint64_t(s), lr.data(), alive.data(),
                       loss.data());
    trace.losses.push_back(loss);
  }
  size_t r = runs.size();
  std::vector<uint8_t> alive(r, 1);
  trace.eval.assign(r, EvalSums());
  program->evaluate(evalBatch, alive.data(), trace.eval.data());
  trace.parameters.resize(r);
  for (size_t i = 0; i < r; ++i)
    EXPECT_TRUE(program->readParameters(i, trace.parameters[i]));
  return trace;
}

/// Element for element the same value, NaN where the other is NaN (a run
/// that diverged has NaN weights, and NaN == NaN is false).
bool sameWeights(const std::vector<float> &a, const std::vector<float> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))))
      return false;
  return true;
}

void expectClose(double a, double b, const std::string &what) {
  // Equal (a run that overflowed to the same infinity included: the
  // tolerance below is NaN there), or both NaN.
  if (a == b || (std::isnan(a) && std::isnan(b)))
    return;
  EXPECT_NEAR(a, b, kTolerance * std::max(1.0, std::fabs(b))) << what;
}
} // namespace

namespace {
/// Random cases (seed `seed`, R from 1 to 64) trained by the interpreter and by
/// `compiled`: every per-step loss, evaluation sum and final weight the same.
void expectTrainsLikeTheInterpreter(Backend &compiled, unsigned seed, int trials,
                                    const CaseSizes &sizes = {}) {
  std::unique_ptr<Backend> interp = createInterpreterBackend();
  std::mt19937 gen(seed);
  const int64_t runCounts[] = {1, 2, 5, 17, 64, 3, 8, 1, 33, 4};
  for (int trial = 0; trial < trials; ++trial) {
    Case c = randomCase(gen, runCounts[trial % 10], sizes);
    std::vector<const RunSpec *> runs;
    for (const RunSpec &run : c.runs)
      runs.push_back(&run);
    int steps = 12;
    Trace reference = train(*interp, c, runs, steps), trace = train(compiled, c, runs, steps);
    ASSERT_EQ(trace.losses.size(), size_t(steps));
    for (int s = 0; s < steps; ++s)
      for (size_t r = 0; r < runs.size(); ++r)
        expectClose(trace.losses[size_t(s)][r], reference.losses[size_t(s)][r],
                    "trial " + std::to_string(trial) + " step " + std::to_string(s) + " run " +
                        std::to_string(r));
    for (size_t r = 0; r < runs.size(); ++r) {
      std::string what =
          "trial " + std::to_string(trial) + " evaluation of run " + std::to_string(r);
      expectClose(trace.eval[r].loss, reference.eval[r].loss, what + " loss");
      // Also for NaN outputs: both predict no class then (predictedClass).
      EXPECT_EQ(trace.eval[r].correct, reference.eval[r].correct) << what;
      expectClose(trace.eval[r].squaredError, reference.eval[r].squaredError, what + " mse");
      EXPECT_TRUE(sameWeights(trace.parameters[r], reference.parameters[r]))
          << what << ": final weights";
    }
  }
}
} // namespace

TEST(Differential, CompiledGroupsTrainLikeTheInterpreter) {
  std::unique_ptr<Backend> cpu = createCpuBackend();
  expectTrainsLikeTheInterpreter(*cpu, 2026, 10);
}

// The GPU pipeline's loop nests (every generic one scf.parallel nest, before
// the mapping to blocks and threads), run in order on the CPU: the indexing
// of every kernel the GPU will run, checked where there is no GPU.
TEST(Differential, TheGpuLoopNestsTrainLikeTheInterpreter) {
  std::unique_ptr<Backend> nests = createCpuBackend(1, 0, true, CpuLoops::GpuLoopNests);
  expectTrainsLikeTheInterpreter(*nests, 2027, 6);
}

// The GPU's shared-memory tiles of the products (tile-products-in-shared-
// memory), emulated on the host block by block and phase by phase: layers
// wide enough to be tiled, with partial tiles at every edge.
TEST(Differential, TheGpuProductTilesTrainLikeTheInterpreter) {
  std::unique_ptr<Backend> nests = createCpuBackend(1, 0, true, CpuLoops::GpuLoopNests);
  expectTrainsLikeTheInterpreter(*nests, 2028, 10, kTiledSizes);
  // Seed 2 draws an epilogue whose operand is allocated after the product
  // (it must not be absorbed); seed 9, runs that overflow to inf and NaN.
  expectTrainsLikeTheInterpreter(*nests, 2, 5, kTiledSizes);
  expectTrainsLikeTheInterpreter(*nests, 9, 5, kTiledSizes);
}

namespace {
/// What a GPU's copy engine does, on the host: a copy started lands (reads
/// its source, writes its target) only when a fence taken after it is waited
/// for. A program that reads a batch copied ahead before waiting, or refills
/// a staging block whose copy is in flight, trains on the wrong rows.
class DeferredCopyQueue : public CopyQueue {
public:
  explicit DeferredCopyQueue(size_t &started) : started(started) {}
  ~DeferredCopyQueue() override {
    EXPECT_TRUE(inFlight.empty()) << "the program left copies in flight";
    EXPECT_TRUE(staging.empty()) << staging.size() << " staging blocks never released";
  }
  void *allocateStaging(size_t bytes) override {
    void *block = std::malloc(std::max<size_t>(bytes, 1));
    std::memset(block, 0xff, bytes);
    staging.insert(block);
    return block;
  }
  void releaseStaging(void *pointer) override {
    if (pointer) {
      EXPECT_EQ(staging.erase(pointer), 1u) << "released a staging block it did not allocate";
      std::free(pointer);
    }
  }
  bool start(void *to, const void *from, size_t bytes) override {
    inFlight.push_back({to, from, bytes, fences + 1});
    ++started;
    return true;
  }
  uint64_t fence() override { return ++fences; }
  void wait(uint64_t fence) override {
    while (!inFlight.empty() && inFlight.front().fence <= fence) {
      std::memcpy(inFlight.front().to, inFlight.front().from, inFlight.front().bytes);
      inFlight.erase(inFlight.begin());
    }
  }

private:
  struct Copy {
    void *to;
    const void *from;
    size_t bytes;
    uint64_t fence; ///< The first fence after it.
  };
  size_t &started;
  std::vector<Copy> inFlight;
  std::set<void *> staging;
  uint64_t fences = 0;
};

/// Host memory that the program must treat as a device's: not handed to the
/// code directly, so every input is staged and every output collected, as
/// for GPU memory. New blocks are filled with NaN bytes, so an input not
/// copied in or an output not copied out changes the numbers. Minibatches
/// announced ahead go through a DeferredCopyQueue.
class StagedHostSpace : public BufferSpace {
public:
  std::unique_ptr<CopyQueue> copyQueue() override {
    return std::make_unique<DeferredCopyQueue>(copiesAhead);
  }
  void *allocate(size_t bytes) override {
    void *block = std::aligned_alloc(64, (std::max<size_t>(bytes, 1) + 63) / 64 * 64);
    std::memset(block, 0xff, bytes);
    live.insert(block);
    return block;
  }
  void release(void *pointer) override {
    EXPECT_EQ(live.erase(pointer), 1u) << "released a block it did not allocate";
    std::free(pointer);
  }
  void copy(void *to, const void *from, size_t bytes) override {
    ++copies;
    std::memmove(to, from, bytes);
  }
  bool isHost() const override { return false; }
  std::set<void *> live;
  size_t copies = 0, copiesAhead = 0;
};

/// The CPU's compiled code with its buffers in a StagedHostSpace.
class StagedBackend : public Backend {
public:
  explicit StagedBackend(StagedHostSpace &space) : space(space) {}
  std::string name() const override { return "staged"; }
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &group) const override {
    return group.runs.size();
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::shared_ptr<const GroupCode> code =
        CompiledGroup::compile(group, int64_t(runs.size()), error);
    if (!code)
      return nullptr;
    // Compaction compiles the smaller program, as the GPU backend's cache does.
    CodeForRuns smaller = [&group](size_t count, std::string &message) {
      return std::shared_ptr<const GroupCode>(CompiledGroup::compile(group, int64_t(count), message));
    };
    return createCompiledProgram(group, std::move(runs), std::move(code), smaller, space);
  }
  StagedHostSpace &space;
};
} // namespace

// What the GPU backend does with device memory, checked on the CPU: inputs
// (batch, masks, hyperparameters) copied in, outputs copied out, weights
// initialized on the host then uploaded and read back for the comparison,
// and each minibatch copied ahead while the step before it trains (landing
// only when the program waits for it, as on a GPU).
TEST(Differential, ProgramsWithBuffersOffTheHostTrainLikeTheInterpreter) {
  StagedHostSpace space;
  {
    StagedBackend staged(space);
    expectTrainsLikeTheInterpreter(staged, 2028, 4);
    EXPECT_GT(space.copies, 0u);
    // Every batch went ahead: 12 steps and the evaluation, in 4 trials.
    EXPECT_EQ(space.copiesAhead, 4u * 13u);
  }
  EXPECT_TRUE(space.live.empty()) << space.live.size() << " blocks never released";
}

// Compaction of buffers off the host (the trainer gathers a GPU program's
// live runs when runs stop): rows move device to device, and the kept runs
// train on exactly as in the program that kept every run.
TEST(Differential, GatherOnBuffersOffTheHostKeepsTheChosenRuns) {
  std::mt19937 gen(23);
  std::unique_ptr<Backend> cpu = createCpuBackend();
  StagedHostSpace space;
  {
    StagedBackend staged(space);
    const std::vector<size_t> keep{0, 2, 5};
    for (int trial = 0; trial < 2; ++trial) {
      Case c = randomCase(gen, 6);
      std::vector<const RunSpec *> all;
      for (const RunSpec &run : c.runs)
        all.push_back(&run);
      Trace whole = train(*cpu, c, all, 6);
      Trace compacted = train(staged, c, all, 6, GatherAt{2, keep});
      ASSERT_EQ(compacted.parameters.size(), keep.size());
      for (size_t i = 0; i < keep.size(); ++i) {
        for (int s = 2; s < 6; ++s)
          EXPECT_EQ(compacted.losses[size_t(s)][i], whole.losses[size_t(s)][keep[i]])
              << "trial " << trial << " run " << keep[i] << " step " << s;
        EXPECT_EQ(compacted.parameters[i], whole.parameters[keep[i]])
            << "trial " << trial << " run " << keep[i];
      }
    }
  }
  EXPECT_TRUE(space.live.empty()) << space.live.size() << " blocks never released";
}

TEST(Differential, ARunInAFusedGroupMatchesTheRunCompiledAlone) {
  std::mt19937 gen(7);
  std::unique_ptr<Backend> cpu = createCpuBackend();
  for (int trial = 0; trial < 3; ++trial) {
    Case c = randomCase(gen, 6);
    std::vector<const RunSpec *> all;
    for (const RunSpec &run : c.runs)
      all.push_back(&run);
    Trace fused = train(*cpu, c, all, 8);
    for (size_t r = 0; r < all.size(); r += 2) {
      Trace alone = train(*cpu, c, {all[r]}, 8);
      for (int s = 0; s < 8; ++s)
        EXPECT_EQ(fused.losses[size_t(s)][r], alone.losses[size_t(s)][0])
            << "trial " << trial << " run " << r << " step " << s;
      EXPECT_EQ(fused.eval[r].loss, alone.eval[0].loss) << "trial " << trial << " run " << r;
    }
  }
}

// Regression (review): train.dropout_mask took the batch size as an
// attribute, but compiled code is shared by groups that differ only in it
// (groupCodeKey leaves it out), so one of them drew from the wrong stream
// positions. Also the draws' high words: seeds past 2^32, and steps deep into
// training (blocks past 2^32).
TEST(Differential, DropoutMasksMatchTheInterpreterForAnyBatchSeedAndStep) {
  std::mt19937 gen(31);
  std::unique_ptr<Backend> interp = createInterpreterBackend(), cpu = createCpuBackend();
  auto dropsSomething = [](const Case &c) {
    for (const RunSpec &run : c.runs)
      for (double p : run.dropout)
        if (p > 0)
          return true;
    return false;
  };
  Case c = randomCase(gen, 3);
  while (!dropsSomething(c))
    c = randomCase(gen, 3);
  for (RunSpec &run : c.runs)
    run.seed += uint64_t(0x5a5a) << 32;
  int64_t firstBatch = c.group.batch;
  for (int64_t batch : {firstBatch, firstBatch + 3}) { // The second shares the first's code.
    c.group.batch = batch;
    std::vector<const RunSpec *> runs;
    for (const RunSpec &run : c.runs)
      runs.push_back(&run);
    Trace reference = train(*interp, c, runs, 4, {}, uint64_t(1) << 28),
          compiled = train(*cpu, c, runs, 4, {}, uint64_t(1) << 28);
    for (size_t r = 0; r < runs.size(); ++r) {
      for (int s = 0; s < 4; ++s)
        expectClose(compiled.losses[size_t(s)][r], reference.losses[size_t(s)][r],
                    "batch " + std::to_string(batch) + " step " + std::to_string(s));
      EXPECT_TRUE(sameWeights(compiled.parameters[r], reference.parameters[r]))
          << "batch " << batch << " run " << r;
    }
  }
}

TEST(Differential, InitialWeightsAreBitIdentical) {
  std::mt19937 gen(99);
  std::unique_ptr<Backend> interp = createInterpreterBackend(), cpu = createCpuBackend();
  for (int trial = 0; trial < 4; ++trial) {
    Case c = randomCase(gen, 4);
    std::vector<const RunSpec *> runs;
    for (const RunSpec &run : c.runs)
      runs.push_back(&run);
    std::string error;
    auto a = interp->create(c.group, runs, error), b = cpu->create(c.group, runs, error);
    ASSERT_TRUE(a && b) << error;
    a->init();
    b->init();
    for (size_t r = 0; r < runs.size(); ++r) {
      std::vector<float> x, y;
      ASSERT_TRUE(a->readParameters(r, x) && b->readParameters(r, y));
      EXPECT_FALSE(x.empty());
      EXPECT_EQ(x, y) << "trial " << trial << " run " << r;
    }
  }
}

// Regression: compiled code was cached by the GroupSpec's address, so a new
// group at a reused address (a loop's local, here) ran the old group's code
// and read past its buffers.
TEST(Differential, CodeIsCachedByStructureNotAddress) {
  std::mt19937 gen(5);
  std::unique_ptr<Backend> interp = createInterpreterBackend(), cpu = createCpuBackend();
  for (int trial = 0; trial < 2; ++trial) {
    Case c = randomCase(gen, 1);
    c.group.layers.resize(1); // Trial 0: one dense layer; trial 1: two.
    c.group.layers[0].outputs = trial == 0 ? c.group.outputs : 4;
    if (trial == 1)
      c.group.layers.push_back({LayerSpec::Kind::Dense, 4, c.group.outputs, Activation::Identity});
    c.runs[0].dropout.clear();
    Trace reference = train(*interp, c, {&c.runs[0]}, 3),
          compiled = train(*cpu, c, {&c.runs[0]}, 3);
    for (int s = 0; s < 3; ++s)
      expectClose(compiled.losses[size_t(s)][0], reference.losses[size_t(s)][0],
                  "trial " + std::to_string(trial));
  }
}

TEST(Differential, GatherKeepsTheChosenRunsWithTheirWeightsAndState) {
  std::mt19937 gen(21);
  std::unique_ptr<Backend> cpu = createCpuBackend();
  std::unique_ptr<Backend> interp = createInterpreterBackend();
  const std::vector<size_t> keep{1, 3, 4};
  for (int trial = 0; trial < 3; ++trial) {
    Case c = randomCase(gen, 6);
    std::vector<const RunSpec *> all;
    for (const RunSpec &run : c.runs)
      all.push_back(&run);
    Trace whole = train(*cpu, c, all, 7);
    for (Backend *backend : {cpu.get(), interp.get()}) {
      Trace compacted = train(*backend, c, all, 7, GatherAt{3, keep});
      ASSERT_EQ(compacted.parameters.size(), keep.size());
      for (size_t i = 0; i < keep.size(); ++i) {
        for (int s = 3; s < 7; ++s)
          EXPECT_EQ(compacted.losses[size_t(s)][i], whole.losses[size_t(s)][keep[i]])
              << backend->name() << " trial " << trial << " run " << keep[i] << " step " << s;
        EXPECT_EQ(compacted.parameters[i], whole.parameters[keep[i]])
            << backend->name() << " trial " << trial << " run " << keep[i];
        EXPECT_EQ(compacted.eval[i].loss, whole.eval[keep[i]].loss)
            << backend->name() << " trial " << trial << " run " << keep[i];
      }
    }
  }
}

TEST(Differential, GatherRejectsBadIndices) {
  std::mt19937 gen(22);
  Case c = randomCase(gen, 4);
  std::vector<const RunSpec *> all;
  for (const RunSpec &run : c.runs)
    all.push_back(&run);
  std::unique_ptr<Backend> cpu = createCpuBackend();
  std::unique_ptr<Backend> interp = createInterpreterBackend();
  for (Backend *backend : {cpu.get(), interp.get()}) {
    std::string error;
    std::unique_ptr<GroupProgram> program = backend->create(c.group, all, error);
    ASSERT_TRUE(program) << error;
    program->init();
    EXPECT_FALSE(program->gather({}, error));
    EXPECT_NE(error.find("keeps no run"), std::string::npos) << error;
    EXPECT_FALSE(program->gather({0, 4}, error));
    EXPECT_NE(error.find("out of range"), std::string::npos) << error;
    EXPECT_FALSE(program->gather({2, 1}, error));
    EXPECT_NE(error.find("increase strictly"), std::string::npos) << error;
    EXPECT_EQ(program->runCount(), 4u) << backend->name();
  }
}

// Regression: compiled programs stepped every run, alive or not (only the loss
// and Adam's update count followed the mask), so a run stopped early went on
// changing its weights while its metrics stayed those of its stop: the
// weights `--save-weights` kept were not the ones measured. A masked run's
// weights now stay as they were, on every backend and for every optimizer.
TEST(Differential, MaskedRunsKeepTheirWeights) {
  std::mt19937 gen(77);
  std::unique_ptr<Backend> interp = createInterpreterBackend(), cpu = createCpuBackend();
  for (int trial = 0; trial < 6; ++trial) {
    Case c = randomCase(gen, 4);
    std::vector<const RunSpec *> runs;
    for (const RunSpec &run : c.runs)
      runs.push_back(&run);
    for (Backend *backend : {interp.get(), cpu.get()}) {
      std::string error;
      std::unique_ptr<GroupProgram> program = backend->create(c.group, runs, error);
      ASSERT_TRUE(program) << error;
      program->init();
      std::vector<double> lr(runs.size()), loss(runs.size());
      for (size_t i = 0; i < runs.size(); ++i)
        lr[i] = runs[i]->lr;
      std::vector<uint8_t> alive(runs.size(), 1);
      auto step = [&](uint64_t s) {
        Batch batch = batchOf(c, 0, std::min(c.group.batch, c.samples));
        program->trainStep(batch, s, lr.data(), alive.data(), loss.data());
      };
      for (uint64_t s = 0; s < 3; ++s)
        step(s);
      std::vector<std::vector<float>> before(runs.size());
      for (size_t i = 0; i < runs.size(); ++i)
        ASSERT_TRUE(program->readParameters(i, before[i]));
      alive = {1, 0, 1, 0};
      for (uint64_t s = 3; s < 7; ++s)
        step(s);
      for (size_t i = 0; i < runs.size(); ++i) {
        std::vector<float> after;
        ASSERT_TRUE(program->readParameters(i, after));
        if (alive[i])
          EXPECT_FALSE(sameWeights(after, before[i]))
              << backend->name() << " trial " << trial << ": live run " << i << " did not train";
        else
          EXPECT_TRUE(sameWeights(after, before[i]))
              << backend->name() << " trial " << trial << ": masked run " << i << " changed";
      }
    }
  }
}
