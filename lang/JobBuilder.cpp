//===- JobBuilder.cpp - a planned sweep as the runtime's plain data -------===//

#include "lang/JobBuilder.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>

using namespace sweep;

namespace {
class JobBuilder {
public:
  JobBuilder(const PlannedSweep &sweep, llvm::StringRef baseDir, SourceDiagnostics &diags)
      : spec(*sweep.spec), runs(sweep.runs), plan(sweep.plan), baseDir(baseDir), diags(diags) {}

  SweepJob build(llvm::StringRef sourceFile);

private:
  const Value &get(llvm::StringRef path) const {
    static const Value none;
    auto it = spec.pathIds.find(path);
    return it == spec.pathIds.end() ? none : values[it->second];
  }
  double number(llvm::StringRef path, double fallback) const {
    const Value &value = get(path);
    return value.isNumeric() ? value.asDouble() : fallback;
  }
  int64_t integer(llvm::StringRef path, int64_t fallback) const {
    const Value &value = get(path);
    return value.kind == Value::Kind::Int || value.kind == Value::Kind::Bool ? value.i : fallback;
  }
  llvm::StringRef text(llvm::StringRef path, llvm::StringRef fallback) const {
    const Value &value = get(path);
    return value.kind == Value::Kind::Symbol || value.kind == Value::Kind::String ? value.s
                                                                                  : fallback;
  }
  DataSpec buildData(const RunGroup &group, llvm::ArrayRef<uint32_t> indices) const;
  GroupSpec buildGroup(const RunGroup &group) const;
  RunSpec buildRun(size_t r, uint32_t groupIndex);
  PruneSpec buildPrune();
  /// Dropout probabilities of the current run (a float model argument may set them).
  std::vector<double> dropoutOf(uint32_t groupIndex);

  const SweepSpec &spec;
  const RunTable &runs;
  const SweepPlan &plan;
  llvm::StringRef baseDir;
  SourceDiagnostics &diags;
  std::vector<Value> values; // Of the run being built.
  size_t runSettingCount = 0; // runs.csv's setting columns (SweepJob::columns).
  llvm::StringMap<std::vector<double>> dropoutByNumbers;
};
} // namespace

static Activation activationOf(llvm::StringRef name) {
  return llvm::StringSwitch<Activation>(name)
      .Case("relu", Activation::Relu)
      .Case("tanh", Activation::Tanh)
      .Case("sigmoid", Activation::Sigmoid)
      .Case("gelu", Activation::Gelu)
      .Default(Activation::Identity);
}

DataSpec JobBuilder::buildData(const RunGroup &group, llvm::ArrayRef<uint32_t> indices) const {
  const SettingEntry *entry = spec.root.lookup("data");
  const ConfigNode &node =
      spec.choices[entry->index].alternatives[indices[spec.getChoiceSlot(entry->index)]];
  DataSpec data;
  data.source = node.source.str();
  data.name = node.kind.str();
  auto path = [&](llvm::StringRef param) {
    llvm::StringRef value = text(("data." + param).str(), "");
    return value.empty() ? std::string() : resolveDataPath(value, baseDir);
  };
  if (data.source == "fashion_mnist") {
    std::array<std::string, 4> files = fashionMnistFiles(path("path"));
    data.images = files[0];
    data.labels = files[1];
    data.testImages = files[2];
    data.testLabels = files[3];
  } else if (data.source == "idx") {
    data.images = path("images");
    data.labels = path("labels");
    data.testImages = path("test_images");
    data.testLabels = path("test_labels");
  } else if (data.source == "csv") {
    data.csvPath = path("path");
    data.csvTest = path("test");
    const Value &label = get("data.label");
    if (label.kind == Value::Kind::String)
      data.labelName = label.s.str();
    else
      data.labelIndex = label.i;
    data.header = integer("data.header", 1) != 0;
    data.regress = text("data.task", "classify") == "regress";
  }
  data.normalize = text("data.normalize", "none").str();
  data.limit = integer("data.limit", 0);
  const Value &validation = get("data.validation");
  if (validation.kind == Value::Kind::Float)
    data.validationFraction = validation.f;
  else
    data.validationCount = validation.kind == Value::Kind::Int ? validation.i : 0;
  data.n = integer("data.n", 0);
  data.test = integer("data.test", 0);
  data.arms = integer("data.arms", 2);
  data.classes = integer("data.classes", 3);
  data.features = integer("data.features", 2);
  data.inputs = integer("data.inputs", 10);
  data.outputs = integer("data.outputs", 1);
  data.hidden = integer("data.hidden", 32);
  data.noise = number("data.noise", 0);
  data.turns = number("data.turns", 1.5);
  data.spread = number("data.spread", 1);
  data.seed = uint64_t(integer("data.seed", 0));
  data.expectInputs = group.data.inputs;
  data.expectTargets = group.data.targets;
  data.expectClasses = group.data.classes;
  data.expectTrain = group.data.train;
  data.expectValidation = group.data.validation;
  data.expectTest = group.data.test;
  return data;
}

GroupSpec JobBuilder::buildGroup(const RunGroup &group) const {
  GroupSpec out;
  out.label = group.label;
  out.inputs = group.shape.inputs;
  out.outputs = group.shape.outputs;
  for (const Layer &layer : group.shape.layers) {
    LayerSpec spec;
    spec.inputs = layer.inputs;
    spec.outputs = layer.outputs;
    switch (layer.kind) {
    case Layer::Kind::Dense:
      spec.kind = LayerSpec::Kind::Dense;
      break;
    case Layer::Kind::Activation:
      spec.kind = LayerSpec::Kind::Activation;
      spec.activation = activationOf(layer.activation);
      break;
    case Layer::Kind::Dropout:
      spec.kind = LayerSpec::Kind::Dropout;
      break;
    }
    out.layers.push_back(spec);
  }
  out.loss = group.loss == "mse" ? LossKind::Mse : LossKind::CrossEntropy;
  out.optimizer = llvm::StringSwitch<OptimizerKind>(group.optimizer)
                      .Case("adam", OptimizerKind::Adam)
                      .Case("adamw", OptimizerKind::AdamW)
                      .Default(OptimizerKind::Sgd);
  out.classification = group.data.isClassification();
  out.batch = group.batch;
  out.largestSplit =
      std::max({group.data.train, group.data.validation, group.data.test, int64_t(1)});
  out.epochs = group.epochs;
  return out;
}

std::vector<double> JobBuilder::dropoutOf(uint32_t groupIndex) {
  // The planner's shape holds the group's first run's probabilities; the runs
  // of a group differ only through numeric model arguments, so shapes are
  // cached by the group and those.
  const RunGroup &group = plan.groups[groupIndex];
  std::string key = "g" + std::to_string(groupIndex) + " ";
  for (size_t id = 0; id < spec.paths.size(); ++id)
    if (!spec.paths[id].structural && llvm::StringRef(spec.paths[id].path).starts_with("model."))
      key += spec.paths[id].path + "=" + values[id].str() + " ";
  auto cached = dropoutByNumbers.find(key);
  if (cached != dropoutByNumbers.end())
    return cached->second;
  ModelShape shape = group.shape;
  if (key.find('=') != std::string::npos) {
    ModelShape fresh;
    if (inferModelShape(
            *group.model, [&](llvm::StringRef param) { return get(("model." + param).str()); },
            diags, [](mlir::InFlightDiagnostic &) {}, fresh))
      shape = fresh; // The planner checked these numbers already.
  }
  std::vector<double> dropout;
  for (const Layer &layer : shape.layers)
    if (layer.kind == Layer::Kind::Dropout)
      dropout.push_back(layer.probability);
  return dropoutByNumbers[key] = dropout;
}

RunSpec JobBuilder::buildRun(size_t r, uint32_t groupIndex) {
  RunSpec run;
  run.id = runs.getId(r);
  run.group = groupIndex;
  run.seed = uint64_t(integer("seed", 0));
  llvm::StringRef optimizer = text("optimizer", "sgd");
  run.optimizer = llvm::StringSwitch<OptimizerKind>(optimizer)
                      .Case("adam", OptimizerKind::Adam)
                      .Case("adamw", OptimizerKind::AdamW)
                      .Default(OptimizerKind::Sgd);
  run.lr = number("optimizer.lr", 0.01);
  run.momentum = number("optimizer.momentum", 0);
  run.nesterov = integer("optimizer.nesterov", 0) != 0;
  run.weightDecay = number("optimizer.weight_decay", 0);
  run.beta1 = number("optimizer.beta1", 0.9);
  run.beta2 = number("optimizer.beta2", 0.999);
  run.eps = number("optimizer.eps", 1e-8);
  llvm::StringRef schedule = text("schedule", "constant");
  run.schedule = llvm::StringSwitch<ScheduleKind>(schedule)
                     .Case("step", ScheduleKind::Step)
                     .Case("cosine", ScheduleKind::Cosine)
                     .Case("linear", ScheduleKind::Linear)
                     .Default(ScheduleKind::Constant);
  run.every = integer("schedule.every", 1);
  run.gamma = number("schedule.gamma", 0.1);
  run.finalFraction = number("schedule.final", 0);
  run.warmup = number("schedule.warmup", 0);
  llvm::StringRef init = text("init", "he_normal");
  run.init = llvm::StringSwitch<InitKind>(init)
                 .Case("he_uniform", InitKind::HeUniform)
                 .Case("xavier_normal", InitKind::XavierNormal)
                 .Case("xavier_uniform", InitKind::XavierUniform)
                 .Default(InitKind::HeNormal);
  run.gain = number("init.gain", 1);
  run.earlyStop = !get("early_stop").isNone();
  run.stopMetric = text("early_stop.metric", "val_loss") == "val_accuracy" ? StopMetric::ValAccuracy
                                                                           : StopMetric::ValLoss;
  run.patience = integer("early_stop.patience", 5);
  run.minDelta = number("early_stop.min_delta", 0);
  run.divergenceFactor = get("divergence").isNone() ? 0 : number("divergence.factor", 10);
  run.dropout = dropoutOf(groupIndex);
  run.columnValues.reserve(runSettingCount);
  for (size_t id = 0; id < values.size(); ++id) {
    if (!isRunSetting(spec.paths[id].path))
      continue;
    const Value &value = values[id];
    run.columnValues.push_back(value.isNone()                      ? std::string()
                               : value.kind == Value::Kind::String ? value.s.str()
                                                                   : value.str());
  }
  return run;
}

PruneSpec JobBuilder::buildPrune() {
  PruneSpec prune;
  llvm::StringRef kind = text("prune", "none");
  prune.kind = llvm::StringSwitch<PruneKind>(kind)
                   .Case("asha", PruneKind::Asha)
                   .Case("median", PruneKind::Median)
                   .Default(PruneKind::None);
  prune.metric = llvm::StringSwitch<PruneMetric>(text("prune.metric", "val_loss"))
                     .Case("val_accuracy", PruneMetric::ValAccuracy)
                     .Case("train_loss", PruneMetric::TrainLoss)
                     .Default(PruneMetric::ValLoss);
  prune.reduction = integer("prune.reduction", 3);
  prune.grace = integer("prune.grace", 1);
  prune.minRuns = integer("prune.min_runs", 5);
  return prune;
}

SweepJob JobBuilder::build(llvm::StringRef sourceFile) {
  SweepJob job;
  job.name = spec.name;
  job.sourceFile = sourceFile.str();
  for (const PathInfo &info : spec.paths)
    if (isRunSetting(info.path)) {
      job.columns.push_back(info.path);
      if (info.logScale)
        job.logScaleColumns.push_back(info.path);
    }
  runSettingCount = job.columns.size();
  job.metrics = spec.metrics;
  llvm::StringMap<uint32_t> datasetOfKey;
  for (const RunGroup &group : plan.groups) {
    llvm::ArrayRef<uint32_t> indices = runs.getIndices(group.runs.front());
    resolveRun(spec, indices, values);
    std::string key;
    for (size_t id = 0; id < spec.paths.size(); ++id)
      if (llvm::StringRef(spec.paths[id].path).starts_with("data"))
        key += spec.paths[id].path + "=" + values[id].str() + " ";
    auto [it, inserted] = datasetOfKey.try_emplace(key, uint32_t(job.datasets.size()));
    if (inserted)
      job.datasets.push_back(buildData(group, indices));
    GroupSpec out = buildGroup(group);
    out.dataset = it->second;
    out.energyPerLayer = integer("energy.per_layer", 0) != 0;
    job.groups.push_back(std::move(out));
    job.device = text("device", "auto").str(); // Sema rejects device axes.
    // The same for every run (Sema rejects energy axes).
    job.energyMeter = text("energy.meter", "auto").str();
    job.energyWindowSeconds = double(integer("energy.window_ms", 200)) / 1000.0;
    job.energyBudgetJoules = number("energy.budget", 0);
    job.prune = buildPrune(); // Sema rejects prune axes.
  }
  // The prune rule's metric is among spec.metrics (Sema::reportPruneMetric).
  ConfigHasher hasher(spec);
  job.runs.reserve(runs.size());
  for (size_t r = 0; r < runs.size(); ++r) {
    resolveRun(spec, runs.getIndices(r), values);
    uint32_t group = plan.groupOfRun[r];
    RunSpec run = buildRun(r, group);
    run.configHash = hasher.hash(values);
    job.groups[group].runs.push_back(uint32_t(job.runs.size()));
    job.runs.push_back(std::move(run));
  }
  return job;
}

SweepJob sweep::buildSweepJob(const PlannedSweep &sweep, llvm::StringRef sourceFile,
                              llvm::StringRef baseDir, SourceDiagnostics &diags) {
  return JobBuilder(sweep, baseDir, diags).build(sourceFile);
}
