//===- TrainerTest.cpp - the training loop over the interpreter -----------===//

#include "runtime/exec/Trainer.h"

#include "JobFixture.h"
#include "runtime/interp/Interpreter.h"

#include <cmath>

using namespace sweep;
using namespace sweep::testing;

namespace {
struct Outcome {
  std::vector<RunRecord> records;
  bool ok = false;
  std::string error;
};

Outcome train(const SweepJob &job, const std::string &dir, unsigned threads = 1) {
  Outcome outcome;
  std::vector<Dataset> datasets(job.datasets.size());
  for (size_t d = 0; d < datasets.size(); ++d)
    EXPECT_TRUE(loadDataset(job.datasets[d], datasets[d], outcome.error)) << outcome.error;
  std::vector<MetricColumn> metrics = metricColumns(job.metrics, true, true);
  Ranking ranking = chooseRanking(metrics);
  auto store = ResultsStore::open(dir, job, metrics, ResultsStore::Mode::Fresh, outcome.error);
  EXPECT_TRUE(store) << outcome.error;
  if (!store)
    return outcome;
  std::unique_ptr<Backend> backend = createInterpreterBackend();
  Progress progress(Progress::Mode::Quiet, job.name, job.runs.size(), 0, 0, "", false);
  TrainerOptions options;
  options.threads = threads;
  outcome.ok = trainSweep(job, datasets, *backend, *store, metrics, ranking, progress, options,
                          outcome.records, outcome.error);
  std::sort(outcome.records.begin(), outcome.records.end(),
            [](const RunRecord &a, const RunRecord &b) { return a.id < b.id; });
  return outcome;
}
} // namespace

TEST(Trainer, LearnsBlobs) {
  SweepJob job = blobsJob({0.1}, 20);
  Outcome outcome = train(job, freshDirectory("learns"));
  ASSERT_TRUE(outcome.ok) << outcome.error;
  ASSERT_EQ(outcome.records.size(), 1u);
  const RunRecord &run = outcome.records[0];
  EXPECT_EQ(run.status, RunStatus::Ok);
  EXPECT_EQ(run.epochs, 20);
  // Columns: train_loss, val_accuracy, val_loss, test_accuracy, test_loss.
  EXPECT_GT(run.metrics[1], 0.75);
  EXPECT_LT(run.metrics[0], 0.5);
}

TEST(Trainer, DivergedRunIsMarkedAndTheOthersGoOn) {
  SweepJob job = blobsJob({0.05, 1e8, 0.05});
  job.runs[2].seed = 0; // Same as run 0: it must train identically.
  Outcome outcome = train(job, freshDirectory("diverge"));
  ASSERT_TRUE(outcome.ok) << outcome.error;
  ASSERT_EQ(outcome.records.size(), 3u);
  EXPECT_EQ(outcome.records[1].status, RunStatus::Diverged);
  EXPECT_EQ(outcome.records[1].statusEpoch, 1);
  EXPECT_EQ(outcome.records[1].epochs, 0);
  EXPECT_TRUE(std::isnan(outcome.records[1].metrics[1]));
  EXPECT_EQ(outcome.records[0].status, RunStatus::Ok);
  EXPECT_EQ(outcome.records[0].epochs, 3);
  EXPECT_EQ(outcome.records[0].metrics, outcome.records[2].metrics);

  // The healthy run trained alone gives the same numbers.
  SweepJob alone = blobsJob({0.05});
  Outcome single = train(alone, freshDirectory("diverge-alone"));
  ASSERT_TRUE(single.ok);
  EXPECT_EQ(single.records[0].metrics, outcome.records[0].metrics);
}

TEST(Trainer, EarlyStoppingStopsAfterPatience) {
  // A tiny learning rate barely moves the validation loss: with min_delta 1
  // no epoch counts as an improvement.
  SweepJob job = blobsJob({1e-6}, 10);
  job.runs[0].earlyStop = true;
  job.runs[0].patience = 2;
  job.runs[0].minDelta = 1.0;
  Outcome outcome = train(job, freshDirectory("early"));
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.records[0].status, RunStatus::Stopped);
  EXPECT_EQ(outcome.records[0].statusEpoch, 3); // Epoch 1 sets the best; 2 and 3 do not improve.
  EXPECT_EQ(outcome.records[0].epochs, 3);
}

TEST(Trainer, ThreadsDoNotChangeResults) {
  SweepJob job = blobsJob({0.02, 0.05, 0.1, 0.2});
  Outcome one = train(job, freshDirectory("threads1"), 1);
  Outcome two = train(job, freshDirectory("threads2"), 2);
  ASSERT_TRUE(one.ok && two.ok);
  for (size_t r = 0; r < 4; ++r)
    EXPECT_EQ(one.records[r].metrics, two.records[r].metrics) << r;
}

TEST(Trainer, AdamAndDropoutTrain) {
  SweepJob job = blobsJob({0.01}, 10);
  job.runs[0].optimizer = OptimizerKind::AdamW;
  job.runs[0].weightDecay = 0.01;
  job.runs[0].dropout = {0.1};
  GroupSpec &group = job.groups[0];
  group.layers.insert(group.layers.begin() + 2,
                      LayerSpec{LayerSpec::Kind::Dropout, 16, 16, Activation::Identity});
  Outcome outcome = train(job, freshDirectory("adam"));
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.records[0].status, RunStatus::Ok);
  EXPECT_GT(outcome.records[0].metrics[1], 0.7);
}

// Regression: a run whose last update made its weights non-finite was marked
// ok when the data had no validation or test split to evaluate.
TEST(Trainer, NonFiniteWeightsAfterTheLastStepAreCaught) {
  SweepJob job = blobsJob({0.05, 1e39}, 1, 30);
  job.datasets[0].validationFraction = 0;
  job.datasets[0].test = 0;
  job.groups[0].batch = 64; // One step: its loss is measured before the update.
  std::string dir = freshDirectory("last-step");
  std::vector<Dataset> datasets(1);
  std::string error;
  ASSERT_TRUE(loadDataset(job.datasets[0], datasets[0], error)) << error;
  std::vector<MetricColumn> metrics = metricColumns(job.metrics, false, false);
  auto store = ResultsStore::open(dir, job, metrics, ResultsStore::Mode::Fresh, error);
  ASSERT_TRUE(store) << error;
  std::unique_ptr<Backend> backend = createInterpreterBackend();
  Progress progress(Progress::Mode::Quiet, job.name, 2, 0, 0, "", false);
  std::vector<RunRecord> records;
  ASSERT_TRUE(trainSweep(job, datasets, *backend, *store, metrics, chooseRanking(metrics), progress,
                         TrainerOptions(), records, error))
      << error;
  std::sort(records.begin(), records.end(),
            [](const RunRecord &a, const RunRecord &b) { return a.id < b.id; });
  EXPECT_EQ(records[0].status, RunStatus::Ok);
  EXPECT_EQ(records[1].status, RunStatus::Diverged);
  EXPECT_EQ(records[1].statusEpoch, 1);
}
