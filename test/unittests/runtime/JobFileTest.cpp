//===- JobFileTest.cpp - SweepJob as text and back ------------------------===//
//
// What a `sweepc build` executable reads at start must be the job the front
// end built: every field, doubles bit for bit, strings with any byte. Damaged
// or foreign text is refused, never misread.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/JobFile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace sweep;

namespace {
/// A job whose fields all differ from their defaults.
SweepJob unusualJob() {
  SweepJob job;
  job.name = "odd name\nwith a newline";
  job.sourceFile = "/tmp/a b.sweep";
  job.columns = {"optimizer.lr", "model.width", ""};
  job.metrics = {"loss", "accuracy"};
  job.device = "gpu";
  job.energyMeter = "nvml";
  job.energyWindowSeconds = 0.1 + 0.2; // Not a short decimal.
  job.energyBudgetJoules = 1e300;
  job.prune = {PruneKind::Median, PruneMetric::TrainLoss, 4, 2, 7};
  DataSpec d;
  d.source = "csv", d.name = "data", d.images = "i", d.labels = "l", d.testImages = "ti";
  d.testLabels = "tl", d.csvPath = "s7:fake\n", d.csvTest = "t.csv", d.labelName = "y";
  d.labelIndex = -3, d.header = false, d.regress = true, d.normalize = "minmax", d.limit = 99;
  d.validationCount = 7, d.validationFraction = 1.0 / 3, d.n = 11, d.test = 12, d.arms = 3;
  d.classes = 4, d.features = 5, d.inputs = 6, d.outputs = 7, d.hidden = 8, d.noise = -0.0;
  d.turns = std::nextafter(1.5, 2.0), d.spread = 2.5, d.seed = UINT64_MAX;
  d.expectInputs = 13, d.expectTargets = 14, d.expectClasses = 15, d.expectTrain = 16;
  d.expectValidation = 17, d.expectTest = 18;
  job.datasets = {d, DataSpec()};
  GroupSpec g;
  g.label = "width=3", g.dataset = 1, g.inputs = 784, g.outputs = 10;
  g.layers = {{LayerSpec::Kind::Dense, 784, 3, Activation::Identity},
              {LayerSpec::Kind::Activation, 3, 3, Activation::Gelu},
              {LayerSpec::Kind::Dropout, 3, 3, Activation::Identity}};
  g.loss = LossKind::Mse, g.optimizer = OptimizerKind::AdamW, g.classification = false;
  g.batch = 17, g.epochs = 9, g.energyPerLayer = true, g.runs = {0, 1};
  job.groups = {g};
  RunSpec r;
  r.id = 5, r.configHash = 0xdeadbeefcafef00dull, r.group = 0, r.seed = 42;
  r.optimizer = OptimizerKind::AdamW, r.lr = 3e-4, r.momentum = 0.5, r.weightDecay = 0.01;
  r.beta1 = 0.8, r.beta2 = 0.95, r.eps = 1e-6, r.nesterov = true;
  r.schedule = ScheduleKind::Cosine, r.every = 3, r.gamma = 0.5, r.finalFraction = 0.1;
  r.warmup = 0.05, r.init = InitKind::XavierUniform, r.gain = 1.25, r.dropout = {0.3};
  r.earlyStop = true, r.stopMetric = StopMetric::ValAccuracy, r.patience = 2, r.minDelta = 1e-4;
  r.divergenceFactor = 1.5;
  r.columnValues = {"0.0003", "3", ""};
  job.runs = {r, RunSpec()};
  return job;
}
} // namespace

TEST(JobFile, EveryFieldComesBackBitForBit) {
  SweepJob job = unusualJob(), back;
  std::string text = writeJobText(job), error;
  ASSERT_TRUE(readJobText(text, back, error)) << error;
  EXPECT_EQ(writeJobText(back), text);
  EXPECT_EQ(back.name, job.name);
  EXPECT_EQ(back.device, "gpu");
  EXPECT_EQ(back.energyWindowSeconds, job.energyWindowSeconds);
  const DataSpec &d = back.datasets[0];
  EXPECT_EQ(d.csvPath, "s7:fake\n");
  EXPECT_EQ(d.labelIndex, -3);
  EXPECT_FALSE(d.header);
  EXPECT_TRUE(std::signbit(d.noise));
  EXPECT_EQ(d.turns, std::nextafter(1.5, 2.0));
  EXPECT_EQ(d.seed, UINT64_MAX);
  EXPECT_EQ(d.expectTest, 18);
  const GroupSpec &g = back.groups[0];
  ASSERT_EQ(g.layers.size(), 3u);
  EXPECT_EQ(g.layers[1].activation, Activation::Gelu);
  EXPECT_EQ(g.optimizer, OptimizerKind::AdamW);
  EXPECT_TRUE(g.energyPerLayer);
  EXPECT_EQ(g.runs, (std::vector<uint32_t>{0, 1}));
  const RunSpec &r = back.runs[0];
  EXPECT_EQ(r.configHash, 0xdeadbeefcafef00dull);
  EXPECT_EQ(r.schedule, ScheduleKind::Cosine);
  EXPECT_EQ(r.stopMetric, StopMetric::ValAccuracy);
  EXPECT_EQ(r.dropout, (std::vector<double>{0.3}));
  EXPECT_EQ(r.columnValues, job.runs[0].columnValues);
  EXPECT_EQ(r.minDelta, 1e-4);
  EXPECT_EQ(r.divergenceFactor, 1.5);
  EXPECT_EQ(back.prune.kind, PruneKind::Median);
  EXPECT_EQ(back.prune.metric, PruneMetric::TrainLoss);
  EXPECT_EQ(back.prune.reduction, 4);
  EXPECT_EQ(back.prune.grace, 2);
  EXPECT_EQ(back.prune.minRuns, 7);
}

TEST(JobFile, DamagedOrForeignTextIsRefused) {
  std::string text = writeJobText(unusualJob()), error;
  SweepJob back;
  EXPECT_FALSE(readJobText(text.substr(0, text.size() / 2), back, error));
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;
  EXPECT_FALSE(readJobText(text + "u1\n", back, error));
  EXPECT_NE(error.find("text follows the job"), std::string::npos) << error;
  std::string foreign = text;
  // Another version of the format (whatever this one's number).
  size_t version = foreign.find("sweepc-job-v");
  ASSERT_NE(version, std::string::npos);
  foreign.insert(version + std::strlen("sweepc-job-v"), "0");
  EXPECT_FALSE(readJobText(foreign, back, error));
  EXPECT_NE(error.find("not a sweep job of this sweepc"), std::string::npos) << error;
  EXPECT_FALSE(readJobText("", back, error));
  // A huge list count does not allocate the count.
  std::string huge = text;
  size_t columns = huge.find("u3\n"); // job.columns' count
  ASSERT_NE(columns, std::string::npos);
  huge.replace(columns, 3, "u999999999999\n");
  EXPECT_FALSE(readJobText(huge, back, error));
}

TEST(JobFile, PackedJobsComeBackAndDamageIsRefused) {
  std::vector<SweepJob> jobs = {unusualJob(), SweepJob()}, back;
  jobs[1].name = "second";
  std::string packed = packJobs(jobs), error;
  ASSERT_FALSE(packed.empty());
  ASSERT_TRUE(unpackJobs(packed.data(), packed.size(), back, error)) << error;
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(writeJobText(back[0]), writeJobText(jobs[0]));
  EXPECT_EQ(back[1].name, "second");
  std::string damaged = packed;
  damaged[damaged.size() / 2] ^= 0x5a;
  EXPECT_FALSE(unpackJobs(damaged.data(), damaged.size(), back, error));
  EXPECT_FALSE(unpackJobs(packed.data(), 4, back, error));
}
