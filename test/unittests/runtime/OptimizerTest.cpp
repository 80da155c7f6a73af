//===- OptimizerTest.cpp - update rules and learning-rate schedules -------===//
//
// Expected values are worked out by hand from the PyTorch definitions that
// Kernels.h and Schedule.h document.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/Schedule.h"
#include "runtime/interp/Kernels.h"

#include <gtest/gtest.h>

using namespace sweep;
using namespace sweep::kernels;

TEST(Optimizer, PlainSgd) {
  double w = 1.0, g = 0.5, buf = 0;
  sgdUpdate(&w, &g, &buf, 1, 0.1, 0.0, false, 0.0);
  EXPECT_DOUBLE_EQ(w, 0.95);
}

TEST(Optimizer, SgdMomentumAndWeightDecay) {
  double w = 1.0, buf = 0;
  double g = 0.5;
  // Step 1: g' = 0.5 + 0.1 * 1 = 0.6; buf = 0.6; w = 1 - 0.1 * 0.6 = 0.94.
  sgdUpdate(&w, &g, &buf, 1, 0.1, 0.9, false, 0.1);
  EXPECT_DOUBLE_EQ(buf, 0.6);
  EXPECT_DOUBLE_EQ(w, 0.94);
  // Step 2: g' = 0.5 + 0.094 = 0.594; buf = 0.54 + 0.594 = 1.134; w = 0.94 - 0.1134.
  sgdUpdate(&w, &g, &buf, 1, 0.1, 0.9, false, 0.1);
  EXPECT_NEAR(buf, 1.134, 1e-15);
  EXPECT_NEAR(w, 0.8266, 1e-15);
}

TEST(Optimizer, SgdNesterov) {
  double w = 1.0, g = 0.5, buf = 0;
  // buf = 0.5; step direction g + 0.9 * buf = 0.95.
  sgdUpdate(&w, &g, &buf, 1, 0.1, 0.9, true, 0.0);
  EXPECT_NEAR(w, 1.0 - 0.095, 1e-15);
  // buf = 0.45 + 0.5 = 0.95; direction 0.5 + 0.855 = 1.355.
  sgdUpdate(&w, &g, &buf, 1, 0.1, 0.9, true, 0.0);
  EXPECT_NEAR(w, 0.905 - 0.1355, 1e-15);
}

TEST(Optimizer, AdamFirstStepMovesByLearningRate) {
  // With bias correction, step 1 moves by lr * g / (|g| + eps) ~ lr * sign(g).
  double w = 1.0, g = -3.0, m = 0, v = 0;
  adamUpdate(&w, &g, &m, &v, 1, 0.01, 0.9, 0.999, 1e-8, 0.0, false, 1);
  EXPECT_NEAR(w, 1.01, 1e-9);
  EXPECT_NEAR(m, -0.3, 1e-15);
  EXPECT_NEAR(v, 0.009, 1e-15);
}

TEST(Optimizer, AdamSecondStep) {
  double w = 0.0, m = 0, v = 0;
  double g1 = 1.0, g2 = 2.0;
  adamUpdate(&w, &g1, &m, &v, 1, 0.1, 0.9, 0.999, 0.0, 0.0, false, 1);
  adamUpdate(&w, &g2, &m, &v, 1, 0.1, 0.9, 0.999, 0.0, 0.0, false, 2);
  double m2 = 0.9 * 0.1 + 0.1 * 2.0, v2 = 0.999 * 0.001 + 0.001 * 4.0;
  double mhat = m2 / (1 - 0.81), vhat = v2 / (1 - 0.999 * 0.999);
  EXPECT_NEAR(w, -0.1 - 0.1 * mhat / std::sqrt(vhat), 1e-12);
}

TEST(Optimizer, AdamL2VersusAdamWDecoupledDecay) {
  // Zero gradient: Adam's L2 term becomes the gradient (a full lr step), AdamW
  // only shrinks w by lr * wd * w.
  double w = 2.0, g = 0.0, m = 0, v = 0;
  adamUpdate(&w, &g, &m, &v, 1, 0.1, 0.9, 0.999, 1e-8, 0.5, false, 1);
  EXPECT_NEAR(w, 1.9, 1e-6);
  double w2 = 2.0, m2 = 0, v2 = 0;
  adamUpdate(&w2, &g, &m2, &v2, 1, 0.1, 0.9, 0.999, 1e-8, 0.5, true, 1);
  EXPECT_NEAR(w2, 2.0 - 0.1 * 0.5 * 2.0, 1e-12);
}

namespace {
RunSpec scheduled(ScheduleKind kind, double warmup = 0) {
  RunSpec run;
  run.lr = 1.0;
  run.schedule = kind;
  run.warmup = warmup;
  run.every = 2;
  run.gamma = 0.5;
  run.finalFraction = 0.1;
  return run;
}
} // namespace

TEST(Schedule, Constant) {
  RunSpec run = scheduled(ScheduleKind::Constant);
  EXPECT_EQ(scheduledLearningRate(run, 0, 10, 3), 1.0);
  EXPECT_EQ(scheduledLearningRate(run, 29, 10, 3), 1.0);
}

TEST(Schedule, WarmupRampsLinearly) {
  RunSpec run = scheduled(ScheduleKind::Constant, 1.0);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 0, 10, 3), 0.1);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 4, 10, 3), 0.5);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 9, 10, 3), 1.0);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 25, 10, 3), 1.0);
}

TEST(Schedule, StepDecay) {
  RunSpec run = scheduled(ScheduleKind::Step);
  EXPECT_EQ(scheduledLearningRate(run, 19, 10, 6), 1.0);  // Epoch 2.
  EXPECT_EQ(scheduledLearningRate(run, 20, 10, 6), 0.5);  // Epoch 3.
  EXPECT_EQ(scheduledLearningRate(run, 45, 10, 6), 0.25); // Epoch 5.
}

TEST(Schedule, CosineAndLinearReachFinal) {
  RunSpec cosine = scheduled(ScheduleKind::Cosine), linear = scheduled(ScheduleKind::Linear);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(cosine, 0, 10, 4), 1.0);
  EXPECT_NEAR(scheduledLearningRate(cosine, 20, 10, 4), 0.1 + 0.9 * 0.5, 1e-12); // Halfway.
  EXPECT_NEAR(scheduledLearningRate(cosine, 40, 10, 4), 0.1, 1e-12);
  EXPECT_NEAR(scheduledLearningRate(linear, 10, 10, 4), 1 - 0.9 * 0.25, 1e-12);
  EXPECT_NEAR(scheduledLearningRate(linear, 40, 10, 4), 0.1, 1e-12);
}

TEST(Schedule, DecayStartsAfterWarmup) {
  RunSpec run = scheduled(ScheduleKind::Linear, 2.0);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 19, 10, 4), 1.0);
  EXPECT_NEAR(scheduledLearningRate(run, 30, 10, 4), 1 - 0.9 * 0.5, 1e-12);
}

// Regression: a warm-up as long as the training made q = 1, so cosine and
// linear decay to `final` (0) gave a learning rate of 0 at every step.
TEST(Schedule, WarmupAsLongAsTrainingStillTrains) {
  RunSpec run = scheduled(ScheduleKind::Cosine, 3.0);
  run.finalFraction = 0;
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 0, 10, 3), 1.0 / 30);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 29, 10, 3), 1.0);
  run.schedule = ScheduleKind::Linear;
  EXPECT_DOUBLE_EQ(scheduledLearningRate(run, 14, 10, 3), 0.5);
}

// Runs that share a schedule share its factors: the learning rates of a
// program's runs, computed at once, are each run's own, bit for bit, however
// schedules and peak rates alternate.
TEST(Schedule, ManyRunsAtOnceAreEachRunsOwn) {
  std::vector<RunSpec> runs;
  for (int i = 0; i < 12; ++i) {
    // Each run differs from the one before it in one thing at most: the kind
    // (runs 3, 5, 8, 10), the warm-up (0, 6, 7), the final fraction (2), the
    // decay factor (9), or the peak rate alone.
    RunSpec run = scheduled(i % 5 < 3 ? ScheduleKind::Cosine : ScheduleKind::Step,
                            i == 0 || i == 6 ? 0.5 : 0);
    run.lr = 0.01 * (i + 1);
    run.finalFraction = i == 2 ? 0.2 : 0.1;
    run.gamma = i == 9 ? 0.25 : 0.5;
    runs.push_back(run);
  }
  std::vector<double> lr(runs.size());
  for (uint64_t step : {uint64_t(0), uint64_t(3), uint64_t(17), uint64_t(39)}) {
    scheduledLearningRates(
        runs.size(), [&](size_t i) -> const RunSpec & { return runs[i]; }, step, 10, 4,
        lr.data());
    for (size_t i = 0; i < runs.size(); ++i)
      EXPECT_EQ(lr[i], scheduledLearningRate(runs[i], step, 10, 4)) << "run " << i << " step " << step;
  }
}
