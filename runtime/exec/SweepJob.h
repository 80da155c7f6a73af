//===- SweepJob.h - what the runtime trains, as plain data ------*- C++ -*-===//
//
// The driver hands the runtime a SweepJob: the datasets, the run groups with
// their layer structure, and every run's resolved settings. It is plain data
// with no MLIR or front-end types, so the same runtime serves the interpreter,
// JIT-compiled groups and a standalone `sweepc build` executable
// (DESIGN.md section 3, "group ABI").
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_SWEEPJOB_H
#define SWEEP_RUNTIME_EXEC_SWEEPJOB_H

#include "runtime/exec/ColumnValues.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

enum class Activation { Relu, Tanh, Sigmoid, Gelu, Identity };
enum class LossKind { CrossEntropy, Mse };
enum class OptimizerKind { Sgd, Adam, AdamW };
enum class ScheduleKind { Constant, Step, Cosine, Linear };
enum class InitKind { HeNormal, HeUniform, XavierNormal, XavierUniform };
enum class StopMetric { ValLoss, ValAccuracy };
enum class PruneKind { None, Asha, Median };
enum class PruneMetric { ValLoss, ValAccuracy, TrainLoss };

/// The sweep's `prune` setting: a rule that compares runs with each other
/// after an epoch and stops those that lag (docs/language.md, "Pruning").
struct PruneSpec {
  PruneKind kind = PruneKind::None;
  PruneMetric metric = PruneMetric::ValLoss;
  int64_t reduction = 3; // asha: keep the best 1/reduction at each rung.
  int64_t grace = 1;     // asha: the first rung; median: the first epoch judged.
  int64_t minRuns = 5;   // median: earlier runs needed before any judgement.
};

/// The names the .sweep language gives them: asha, median, none; val_loss, ...
inline const char *pruneKindName(PruneKind kind) {
  return kind == PruneKind::Asha ? "asha" : kind == PruneKind::Median ? "median" : "none";
}
inline const char *pruneMetricName(PruneMetric metric) {
  return metric == PruneMetric::ValLoss       ? "val_loss"
         : metric == PruneMetric::ValAccuracy ? "val_accuracy"
                                              : "train_loss";
}

/// One layer of a group's model. Shapes are shared by the group; a dropout
/// probability may differ per run (a `float` model parameter), see RunSpec.
struct LayerSpec {
  enum class Kind { Dense, Activation, Dropout };
  Kind kind = Kind::Dense;
  int64_t inputs = 0, outputs = 0;
  Activation activation = Activation::Identity;
};

/// A data source with every parameter resolved (docs/language.md, "dataset").
struct DataSpec {
  std::string source; // fashion_mnist, idx, csv, spirals, blobs, teacher
  std::string name;   // The dataset's name in the .sweep file, for messages.
  // Files (absolute or relative to the working directory).
  std::string images, labels, testImages, testLabels; // fashion_mnist, idx
  std::string csvPath, csvTest, labelName;            // csv
  /// The files above that are set: what the dataset reads.
  std::vector<std::string *> files() {
    std::vector<std::string *> set;
    for (std::string *path : {&images, &labels, &testImages, &testLabels, &csvPath, &csvTest})
      if (!path->empty())
        set.push_back(path);
    return set;
  }
  int64_t labelIndex = 0;
  bool header = true, regress = false;
  std::string normalize = "none"; // unit, standard, minmax, none
  int64_t limit = 0;
  // Validation split: a count, or a fraction of the training samples.
  int64_t validationCount = 0;
  double validationFraction = 0;
  // Synthetic generators.
  int64_t n = 0, test = 0, arms = 2, classes = 3, features = 2, inputs = 10, outputs = 1,
          hidden = 32;
  double noise = 0, turns = 1.5, spread = 1;
  uint64_t seed = 0;
  // What the planner computed; the loader checks the data still agrees.
  int64_t expectInputs = 0, expectTargets = 0, expectClasses = 0;
  int64_t expectTrain = 0, expectValidation = 0, expectTest = 0;
};

/// Everything about one run that may differ from the other runs of its group.
struct RunSpec {
  uint64_t id = 0;         // Position in the grid enumeration.
  uint64_t configHash = 0; // Edit-stable hash of the run's whole configuration.
  uint32_t group = 0;
  uint64_t seed = 0;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  double lr = 0.01, momentum = 0, weightDecay = 0, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool nesterov = false;
  ScheduleKind schedule = ScheduleKind::Constant;
  int64_t every = 1;
  double gamma = 0.1, finalFraction = 0, warmup = 0;
  InitKind init = InitKind::HeNormal;
  double gain = 1;
  /// One probability per Dropout layer of the group, in layer order.
  std::vector<double> dropout;
  bool earlyStop = false;
  StopMetric stopMetric = StopMetric::ValLoss;
  int64_t patience = 5;
  double minDelta = 0;
  /// `divergence(factor)`: the run stops when an epoch's training loss exceeds
  /// factor times the lowest it has had (0: off; NaN and Inf always stop).
  double divergenceFactor = 0;
  /// The run's value for each of SweepJob::columns, as text ("" where unset).
  ColumnValues columnValues;
};

struct GroupSpec {
  std::string label; // The structural settings that set this group apart.
  uint32_t dataset = 0;
  int64_t inputs = 0, outputs = 0;
  std::vector<LayerSpec> layers;
  LossKind loss = LossKind::CrossEntropy;
  OptimizerKind optimizer = OptimizerKind::Sgd; // The kind is structural; its numbers are per run.
  bool classification = true; // Labels are classes (else float targets [B, outputs]).
  int64_t batch = 64, epochs = 1;
  /// The most samples of any split of its data (0: unknown): no minibatch
  /// holds more, whatever `batch` says (minibatchRows).
  int64_t largestSplit = 0;
  /// Rows of the largest minibatch a program sees: `batch`, or fewer when the
  /// data is smaller (`batch 16384` on 80 samples holds 80).
  int64_t minibatchRows() const {
    int64_t rows = std::max<int64_t>(1, batch);
    return largestSplit > 0 ? std::min(rows, largestSplit) : rows;
  }
  /// `energy(per_layer: true)`: energy probes per layer and phase, not per phase.
  bool energyPerLayer = false;
  std::vector<uint32_t> runs; // Indices into SweepJob::runs.
};

struct SweepJob {
  std::string name;                 // The sweep's name: results go to <dir>/<name>/.
  std::string sourceFile;           // The .sweep file, for summary.json.
  std::vector<std::string> columns; // Hyperparameter paths, in runs.csv order.
  /// The columns an axis spans with logspace or loguniform (log axes in plots).
  std::vector<std::string> logScaleColumns;
  std::vector<std::string> metrics; // The `report` metrics: loss, accuracy, mse.
  /// The sweep's `device` setting: auto, cpu or gpu.
  std::string device = "auto";
  /// The sweep's `energy(...)` setting: which meter ("auto", "rapl", "nvml",
  /// "model"), how often it is read, and the budget in joules (0: none).
  std::string energyMeter = "auto";
  double energyWindowSeconds = 0.2;
  double energyBudgetJoules = 0;
  /// The sweep's `prune` setting (the same rule for every run).
  PruneSpec prune;
  std::vector<DataSpec> datasets;
  std::vector<GroupSpec> groups;
  std::vector<RunSpec> runs;
};

/// The runs.csv columns of the data settings of the first run that trains on
/// dataset `k` ("data=d data.path=a.csv ..."): the files as the .sweep file
/// writes them, which tells two inline sources apart whatever directory
/// sweepc runs in. "" when no run trains on it.
inline std::string dataSettingsText(const SweepJob &job, uint32_t k) {
  for (const GroupSpec &group : job.groups) {
    if (group.dataset != k || group.runs.empty())
      continue;
    const RunSpec &run = job.runs[group.runs.front()];
    std::string text;
    for (size_t c = 0; c < job.columns.size(); ++c) {
      const std::string &column = job.columns[c];
      if (column != "data" && column.rfind("data.", 0) != 0)
        continue;
      if (c < run.columnValues.size() && !run.columnValues[c].empty())
        text += (text.empty() ? "" : " ") + column + "=" + run.columnValues[c];
    }
    return text;
  }
  return "";
}

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_SWEEPJOB_H
