//===- StaticCostsTest.cpp - probes count the work the compiler priced ----===//
//
// The phase table of a compiled group equals staticPhaseCosts (what the
// interpreter and `sweepc plan` use); FLOPs scale with the run count; and a
// compiled program's probes report one forward, backward and update per step
// and one eval per evaluation, as the interpreter's counts do per run.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/StaticCosts.h"
#include "codegen/cpu/CpuBackend.h"
#include "codegen/cpu/JitCompiler.h"
#include "runtime/interp/Interpreter.h"

#include <gtest/gtest.h>

using namespace sweep;

namespace {
GroupSpec mlp() {
  GroupSpec g;
  g.inputs = 6, g.outputs = 3, g.batch = 8, g.epochs = 1;
  g.layers = {{LayerSpec::Kind::Dense, 6, 10, Activation::Identity},
              {LayerSpec::Kind::Activation, 10, 10, Activation::Tanh},
              {LayerSpec::Kind::Dense, 10, 3, Activation::Identity}};
  return g;
}

double phaseFlops(const std::vector<PhaseCost> &table, const std::string &phase) {
  for (const PhaseCost &entry : table)
    if (entry.phase == phase)
      return entry.cost.flops;
  return -1;
}
} // namespace

TEST(StaticCosts, CompiledTableEqualsStaticCostsAndScalesWithRuns) {
  GroupSpec g = mlp();
  std::string error;
  std::vector<PhaseCost> one, four;
  ASSERT_TRUE(staticPhaseCosts(g, 1, one, error)) << error;
  ASSERT_TRUE(staticPhaseCosts(g, 4, four, error)) << error;
  ASSERT_EQ(one.size(), 4u);
  for (const char *phase : {"forward", "backward", "update", "eval"}) {
    EXPECT_GT(phaseFlops(one, phase), 0) << phase;
    EXPECT_EQ(phaseFlops(four, phase), 4 * phaseFlops(one, phase)) << phase;
  }
  // The dense products dominate: forward is 2*B*(6*10 + 10*3) FLOPs of
  // products plus elementwise work.
  EXPECT_GE(phaseFlops(one, "forward"), 2.0 * 8 * (6 * 10 + 10 * 3));
  std::unique_ptr<CompiledGroup> compiled = CompiledGroup::compile(g, 4, error);
  ASSERT_TRUE(compiled) << error;
  ASSERT_EQ(compiled->phases().size(), four.size());
  for (size_t i = 0; i < four.size(); ++i) {
    EXPECT_EQ(compiled->phases()[i].function, four[i].function);
    EXPECT_EQ(compiled->phases()[i].phase, four[i].phase);
    EXPECT_EQ(compiled->phases()[i].cost.flops, four[i].cost.flops);
    EXPECT_EQ(compiled->phases()[i].cost.bytes, four[i].cost.bytes);
  }
  std::unique_ptr<CompiledGroup> bare = CompiledGroup::compile(g, 4, error, false);
  ASSERT_TRUE(bare) << error;
  EXPECT_TRUE(bare->phases().empty());
}

TEST(StaticCosts, ProgramsReportTheWorkTheyDid) {
  GroupSpec g = mlp();
  std::vector<RunSpec> runs(3);
  std::vector<const RunSpec *> pointers;
  for (size_t r = 0; r < runs.size(); ++r) {
    runs[r].id = r;
    runs[r].seed = r;
    runs[r].lr = 0.1;
    pointers.push_back(&runs[r]);
  }
  std::vector<float> x(8 * 6, 0.5f);
  std::vector<int32_t> labels(8, 1);
  Batch batch{x.data(), labels.data(), nullptr, 8};
  std::string error;
  std::vector<PhaseCost> perRun, all;
  ASSERT_TRUE(staticPhaseCosts(g, 1, perRun, error)) << error;
  ASSERT_TRUE(staticPhaseCosts(g, 3, all, error)) << error;
  std::unique_ptr<Backend> cpu = createCpuBackend();
  std::unique_ptr<Backend> interp = createInterpreterBackend(
      [](const GroupSpec &group, std::vector<PhaseCost> &table, std::string &problem) {
        return staticPhaseCosts(group, 1, table, problem);
      });
  for (Backend *backend : {cpu.get(), interp.get()}) {
    std::unique_ptr<GroupProgram> program = backend->create(g, pointers, error);
    ASSERT_TRUE(program) << error;
    program->init();
    const uint8_t alive[] = {1, 1, 1};
    const double lr[] = {0.1, 0.1, 0.1};
    double loss[3];
    std::vector<EvalSums> sums(3);
    program->trainStep(batch, 0, lr, alive, loss);
    program->trainStep(batch, 1, lr, alive, loss);
    program->evaluate(batch, alive, sums.data());
    PhaseWork work;
    program->takeWork(work);
    ASSERT_EQ(work.phases.size(), 4u) << backend->name();
    for (const auto &[phase, cost] : work.phases) {
      double times = phase == "eval" ? 1 : 2;
      EXPECT_EQ(cost.flops, times * phaseFlops(all, phase)) << backend->name() << " " << phase;
      EXPECT_EQ(cost.flops, times * 3 * phaseFlops(perRun, phase)) << backend->name();
    }
    PhaseWork none;
    program->takeWork(none);
    EXPECT_TRUE(none.empty()) << backend->name();
  }
}

// What `sweepc plan` estimates is what training does: each split evaluated in
// its own batches, and one batch where there is no split. Regression: the
// splits' samples were added before dividing, and no-split sweeps counted
// no evaluation (plan's joules under the model meter's).
TEST(StaticCosts, TrainingWorkCountsEachSplitsBatchesAndTheProbe) {
  GroupSpec group;
  group.batch = 100;
  group.epochs = 2;
  std::vector<PhaseCost> table = {{"train_step", "forward", {1, 10}},
                                  {"evaluate", "eval", {1000, 0}}};
  // 10 training steps; validation 10 and test 10 samples: a batch each.
  WorkCost split = groupTrainingWork(group, table, 1000, 10, 10);
  EXPECT_EQ(split.flops, 2 * (10 * 1 + 2 * 1000));
  EXPECT_EQ(split.bytes, 2 * 10 * 10);
  WorkCost none = groupTrainingWork(group, table, 1000, 0, 0);
  EXPECT_EQ(none.flops, 2 * (10 * 1 + 1 * 1000));
  WorkCost partial = groupTrainingWork(group, table, 1000, 150, 0);
  EXPECT_EQ(partial.flops, 2 * (10 * 1 + 2 * 1000));
}
