//===- Plan.cpp - grouping runs and sizing each group ---------------------===//

#include "lang/Plan.h"

#include "lang/Builtins.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cstring>
#include <map>

using namespace sweep;

double RunGroup::getFlopsPerRunEpoch() const {
  double macs = double(shape.getMultiplyAdds());
  return 6.0 * macs * double(data.train) + 2.0 * macs * double(data.validation);
}

int64_t RunGroup::getOptimizerSlots() const { return optimizer == "sgd" ? 1 : 2; }

double RunGroup::getStateBytes() const {
  double runs = double(this->runs.size());
  // No minibatch holds more samples than the largest split has.
  double rows =
      double(std::min(batch, std::max({data.train, data.validation, data.test, int64_t(1)})));
  double perRun = double(shape.getParameterCount()) * double(2 + getOptimizerSlots()) +
                  rows * double(shape.getActivationCount()) * 2.0;
  return runs * perRun * 4.0;
}

namespace {
class Planner {
public:
  Planner(const SweepSpec &spec, const RunTable &runs, SourceDiagnostics &diags,
          const PlanOptions &options)
      : spec(spec), runs(runs), diags(diags), options(options) {}

  mlir::FailureOr<SweepPlan> run();

private:
  Value get(const std::vector<Value> &values, llvm::StringRef path) const {
    auto it = spec.pathIds.find(path);
    return it == spec.pathIds.end() ? Value::none() : values[it->second];
  }
  /// The alternative a run took for the top-level configuration `name`.
  const ConfigNode &activeNode(llvm::StringRef name, llvm::ArrayRef<uint32_t> indices) const {
    const SettingEntry *entry = spec.root.lookup(name);
    const Choice &choice = spec.choices[entry->index];
    return choice.alternatives[indices[spec.getChoiceSlot(entry->index)]];
  }
  std::string keyOf(const std::vector<Value> &values, bool structural,
                    llvm::StringRef prefix) const;
  /// The group's label; `withModelArgs` adds every model argument, for errors
  /// that depend on one.
  std::string labelOf(const std::vector<Value> &values, bool withModelArgs = false) const;
  bool checkGroup(RunGroup &group, llvm::ArrayRef<uint32_t> indices,
                  const std::vector<Value> &values);
  bool checkModelNumbers(RunGroup &group);
  bool checkEarlyStop(const RunGroup &group, llvm::StringRef dataset);
  bool checkPrune(const RunGroup &group, llvm::StringRef dataset);
  void warnAboutPruneAcrossGroups(const SweepPlan &plan);
  /// Every value `pathId` takes anywhere in the sweep.
  /// Slots whose index can change a structural value: structural axes, and
  /// choices that are structural or contain structural settings.
  std::vector<size_t> getStructuralSlots() const;
  /// The error for a sweep of more than kMaxRunGroups groups, naming the
  /// swept settings that split them.
  void tooManyGroups(const std::vector<size_t> &structuralSlots);
  /// Identical runs (random draws that repeat, say) train identically: pure waste.
  void warnAboutRepeatedRuns();
  /// A written `report` whose metrics no split measures (every metric but the
  /// training loss is evaluated on the validation and test splits).
  void warnAboutUnmeasuredMetrics(const SweepPlan &plan);
  /// Runs on data without the split the others are ranked on (validation,
  /// else test): the leaderboard, best run and Pareto front leave them out.
  void warnAboutUnrankedRuns(const SweepPlan &plan);
  /// The data configurations of the groups `picked` chooses, each once, as
  /// the warnings name them: 'spirals', or with its settings where two
  /// configurations of one dataset are picked.
  std::vector<std::string>
  namedDataConfigurations(const SweepPlan &plan,
                          llvm::function_ref<bool(const RunGroup &)> picked) const;
  /// Layer calls whose output the model's return value does not use: left
  /// out of the model, which is seldom what was meant. Once per call site.
  void warnAboutUnusedLayers(const RunGroup &group);

  const SweepSpec &spec;
  const RunTable &runs;
  SourceDiagnostics &diags;
  const PlanOptions &options;
  DatasetShapeCache ownCache;
  DatasetShapeCache &datasetCache = options.datasetCache ? *options.datasetCache : ownCache;
  /// Model statements the groups may still run (kMaxSweepModelSteps).
  int64_t modelSteps = kMaxSweepModelSteps;
  llvm::DenseSet<const char *> warnedUnusedLayers;
};
} // namespace

std::string Planner::keyOf(const std::vector<Value> &values, bool structural,
                           llvm::StringRef prefix) const {
  std::string key;
  llvm::raw_string_ostream os(key);
  for (size_t id = 0; id < spec.paths.size(); ++id) {
    const PathInfo &info = spec.paths[id];
    if (info.structural != structural || values[id].isNone())
      continue;
    if (!prefix.empty() && !llvm::StringRef(info.path).starts_with(prefix))
      continue;
    if (!key.empty())
      os << ' ';
    os << info.path << '=' << values[id];
  }
  return os.str();
}

std::string Planner::labelOf(const std::vector<Value> &values, bool withModelArgs) const {
  std::string label;
  llvm::raw_string_ostream os(label);
  for (size_t id = 0; id < spec.paths.size(); ++id) {
    const PathInfo &info = spec.paths[id];
    llvm::StringRef path = info.path;
    bool shown =
        !path.contains('.') || info.varies || (withModelArgs && path.starts_with("model."));
    if (!info.structural || values[id].isNone() || !shown)
      continue;
    if (!label.empty())
      os << ' ';
    os << info.path << '=' << values[id];
  }
  return os.str();
}

std::vector<size_t> Planner::getStructuralSlots() const {
  std::vector<size_t> slots;
  for (size_t a = 0; a < spec.axes.size(); ++a)
    if (spec.paths[spec.axes[a].pathId].structural)
      slots.push_back(a);
  for (size_t c = 0; c < spec.choices.size(); ++c) {
    const Choice &choice = spec.choices[c];
    llvm::StringRef prefix = spec.paths[choice.pathId].path;
    bool relevant = spec.paths[choice.pathId].structural;
    for (const PathInfo &info : spec.paths)
      relevant |= info.structural && llvm::StringRef(info.path).starts_with(prefix.str() + ".");
    if (relevant && choice.alternatives.size() > 1)
      slots.push_back(spec.getChoiceSlot(int(c)));
  }
  return slots;
}

void Planner::tooManyGroups(const std::vector<size_t> &structuralSlots) {
  std::vector<std::string> settings;
  for (size_t slot : structuralSlots) {
    bool isAxis = slot < spec.axes.size();
    size_t count = isAxis ? spec.axes[slot].values.size()
                          : spec.choices[slot - spec.axes.size()].alternatives.size();
    int pathId = isAxis ? spec.axes[slot].pathId : spec.choices[slot - spec.axes.size()].pathId;
    if (count > 1 && !llvm::is_contained(settings, spec.paths[pathId].path))
      settings.push_back(spec.paths[pathId].path);
  }
  std::string names;
  for (size_t i = 0; i < settings.size(); ++i)
    names += (i == 0 ? "" : i + 1 == settings.size() ? " or " : ", ") + settings[i];
  diags.error(spec.loc, "sweep '" + spec.name + "' has more than " +
                            std::to_string(kMaxRunGroups) + " run groups (runs that differ in " +
                            names + " train in separate programs); the limit is " +
                            std::to_string(kMaxRunGroups));
}

/// Two runs can share a configuration only if some axis repeats a value or some
/// choice repeats a kind: distinct indices otherwise mean distinct values.
static bool mayRepeatRuns(const SweepSpec &spec) {
  for (const Axis &axis : spec.axes) {
    std::vector<std::string> texts;
    for (const Value &value : axis.values)
      texts.push_back(value.str());
    llvm::sort(texts);
    if (std::adjacent_find(texts.begin(), texts.end()) != texts.end())
      return true;
  }
  for (const Choice &choice : spec.choices)
    for (size_t a = 0; a < choice.alternatives.size(); ++a)
      for (size_t b = 0; b < a; ++b)
        if (choice.alternatives[a].kind == choice.alternatives[b].kind)
          return true;
  return false;
}

void Planner::warnAboutRepeatedRuns() {
  if (!mayRepeatRuns(spec))
    return;
  ConfigHasher hasher(spec);
  llvm::DenseMap<uint64_t, uint64_t> firstRunWithHash;
  std::vector<Value> values;
  uint64_t repeats = 0, exampleRun = 0, exampleFirst = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    resolveRun(spec, runs.getIndices(r), values);
    auto [it, inserted] = firstRunWithHash.try_emplace(hasher.hash(values), runs.getId(r));
    if (inserted)
      continue;
    if (repeats++ == 0) {
      exampleRun = runs.getId(r);
      exampleFirst = it->second;
    }
  }
  if (repeats)
    diags.warning(spec.loc, "sweep '" + spec.name + "' has " + std::to_string(repeats) +
                                (repeats == 1 ? " run that repeats" : " runs that repeat") +
                                " an earlier run's configuration (r" + std::to_string(exampleRun) +
                                " repeats r" + std::to_string(exampleFirst) + ")");
}

mlir::FailureOr<SweepPlan> Planner::run() {
  SweepPlan plan;
  plan.groupOfRun.resize(runs.size());
  // A run's structural values follow from the indices of its structural slots.
  // Equal indices mean equal values, so the (slow) value key is built once per
  // distinct index tuple; distinct tuples with equal values still share a group.
  std::vector<size_t> structuralSlots = getStructuralSlots();
  std::map<std::vector<uint32_t>, uint32_t> groupOfSlots;
  llvm::StringMap<uint32_t> groupIds;
  std::vector<Value> values;
  std::vector<uint32_t> slotKey(structuralSlots.size());
  for (size_t r = 0; r < runs.size(); ++r) {
    llvm::ArrayRef<uint32_t> indices = runs.getIndices(r);
    for (size_t k = 0; k < structuralSlots.size(); ++k)
      slotKey[k] = indices[structuralSlots[k]];
    auto known = groupOfSlots.find(slotKey);
    if (known == groupOfSlots.end()) {
      resolveRun(spec, indices, values);
      std::string key = keyOf(values, /*structural=*/true, "");
      auto [it, inserted] = groupIds.try_emplace(key, uint32_t(plan.groups.size()));
      if (inserted && plan.groups.size() == size_t(kMaxRunGroups)) {
        tooManyGroups(structuralSlots);
        return mlir::failure();
      }
      if (inserted) {
        RunGroup group;
        group.key = std::move(key);
        group.label = labelOf(values);
        plan.groups.push_back(std::move(group));
      }
      known = groupOfSlots.emplace(slotKey, it->second).first;
    }
    plan.groupOfRun[r] = known->second;
    plan.groups[known->second].runs.push_back(uint32_t(r));
  }
  warnAboutRepeatedRuns();
  bool ok = true;
  // After a model fails in one group, its other groups would mostly repeat the
  // same error (a model taking 784 inputs fails at every width): skip them.
  llvm::DenseSet<const ModelDecl *> failedModels;
  for (RunGroup &group : plan.groups) {
    llvm::ArrayRef<uint32_t> indices = runs.getIndices(group.runs.front());
    resolveRun(spec, indices, values);
    if (failedModels.contains(activeNode("model", indices).model)) {
      ok = false;
      continue;
    }
    if (!checkGroup(group, indices, values) || !checkModelNumbers(group)) {
      ok = false;
      failedModels.insert(activeNode("model", indices).model);
    }
  }
  if (!ok)
    return mlir::failure();
  warnAboutUnmeasuredMetrics(plan);
  warnAboutUnrankedRuns(plan);
  warnAboutPruneAcrossGroups(plan);
  return plan;
}

void Planner::warnAboutUnusedLayers(const RunGroup &group) {
  for (const ModelShape::UnusedLayer &layer : group.shape.unusedLayers) {
    if (!warnedUnusedLayers.insert(layer.loc.getPointer()).second)
      continue;
    std::string message = ("the output of this layer does not reach what model '" +
                           group.model->getName() + "' returns, so it is not part of the model")
                              .str();
    if (layer.unused < layer.evaluations)
      message += " in " + std::to_string(layer.unused) + " of its " +
                 std::to_string(layer.evaluations) + " evaluations (iterations of 'repeat')";
    diags.warning(layer.loc, message);
  }
}

void Planner::warnAboutUnmeasuredMetrics(const SweepPlan &plan) {
  if (!spec.reportWritten)
    return;
  // Data configurations without held-out samples.
  std::vector<std::string> named = namedDataConfigurations(plan, [](const RunGroup &group) {
    return group.data.validation == 0 && group.data.test == 0;
  });
  std::string metrics;
  for (size_t i = 0; i < spec.metrics.size(); ++i)
    metrics += (i == 0 ? "" : i + 1 == spec.metrics.size() ? " and " : ", ") + spec.metrics[i];
  for (const std::string &name : named)
    diags.warning(spec.reportLoc, "dataset " + name + " has no validation or test split to " +
                                      "measure " + metrics + " on: its runs report train_loss " +
                                      "only; give it 'validation: N' or a fraction, or test " +
                                      "samples");
}

std::vector<std::string>
Planner::namedDataConfigurations(const SweepPlan &plan,
                                 llvm::function_ref<bool(const RunGroup &)> picked) const {
  // By their settings, in first-use order, so that `data in [spirals(test:
  // 50), spirals]` names the second alone.
  // Every configuration of the sweep counts: `validation in [0, 0.5]` names
  // the one without a split by its settings even when it alone is picked.
  // Regression: the dataset's name alone, though its other configuration had one.
  std::vector<std::string> configurations, names;
  std::vector<bool> chosen;
  std::vector<Value> values;
  for (const RunGroup &group : plan.groups) {
    llvm::ArrayRef<uint32_t> indices = runs.getIndices(group.runs.front());
    resolveRun(spec, indices, values);
    std::string key = keyOf(values, /*structural=*/true, "data");
    auto known = llvm::find(configurations, key);
    if (known != configurations.end()) {
      if (picked(group))
        chosen[size_t(known - configurations.begin())] = true;
      continue;
    }
    configurations.push_back(key);
    names.push_back(activeNode("data", indices).kind.str());
    chosen.push_back(picked(group));
  }
  std::vector<std::string> named;
  for (size_t d = 0; d < names.size(); ++d)
    if (chosen[d])
      // The settings tell apart two configurations of one dataset.
      named.push_back("'" + names[d] + "'" +
                      (llvm::count(names, names[d]) > 1 ? " (" + configurations[d] + ")" : ""));
  return named;
}

void Planner::warnAboutUnrankedRuns(const SweepPlan &plan) {
  bool anyValidation = false, anyTest = false;
  for (const RunGroup &group : plan.groups) {
    anyValidation |= group.data.validation > 0;
    anyTest |= group.data.test > 0;
  }
  if ((!anyValidation && !anyTest) || spec.metrics.empty())
    return; // Ranked by train_loss, which every run has.
  const char *split = anyValidation ? "validation" : "test";
  std::string metric = (anyValidation ? "val_" : "test_") + spec.metrics.front();
  std::vector<std::string> named = namedDataConfigurations(plan, [&](const RunGroup &group) {
    // Data with neither split has its warning (warnAboutUnmeasuredMetrics).
    bool neither = group.data.validation == 0 && group.data.test == 0;
    return (anyValidation ? group.data.validation : group.data.test) == 0 &&
           !(spec.reportWritten && neither);
  });
  for (const std::string &name : named)
    diags.warning(spec.reportLoc,
                  "runs on dataset " + name + " have no " + split + " split, so they are not " +
                      "ranked: the leaderboard, the best run and the Pareto front compare " +
                      metric + ", which they do not measure; give it " +
                      (anyValidation ? "'validation: N' or a fraction" : "test samples"));
}

bool Planner::checkGroup(RunGroup &group, llvm::ArrayRef<uint32_t> indices,
                         const std::vector<Value> &values) {
  const ConfigNode &dataNode = activeNode("data", indices);
  const ConfigNode &modelNode = activeNode("model", indices);
  group.model = modelNode.model;
  group.batch = get(values, "batch").i;
  group.epochs = get(values, "epochs").i;
  group.optimizer = get(values, "optimizer").s;
  group.loss = get(values, "loss").s;
  group.dataset = dataNode.kind;
  std::string context = labelOf(values, /*withModelArgs=*/true);
  auto addContext = [&](mlir::InFlightDiagnostic &diag) {
    diag.attachNote(diags.getLocation(spec.root.lookup("model")->loc))
        << "in the runs of sweep '" << spec.name << "' with " << context;
  };

  // The dataset, computed once per distinct data configuration.
  std::string dataKey = keyOf(values, true, "data");
  auto cached = datasetCache.find(dataKey);
  if (cached == datasetCache.end()) {
    DatasetShape shape;
    std::string error, errorParam;
    bool readsFiles =
        dataNode.source == "fashion_mnist" || dataNode.source == "idx" || dataNode.source == "csv";
    bool ok = false;
    if (readsFiles && !options.readDataFiles)
      error = "reading data files is disabled";
    else
      ok = computeDatasetShape(
          dataNode.source,
          [&](llvm::StringRef param) { return get(values, ("data." + param).str()); },
          options.baseDir, shape, error, errorParam);
    if (!ok) {
      const SettingEntry *entry = dataNode.lookup(errorParam);
      llvm::SMLoc loc = entry && !entry->isDefault ? entry->loc : dataNode.loc;
      diags.error(loc, "dataset '" + dataNode.kind + "': " + error);
    }
    cached = datasetCache.try_emplace(dataKey, ok, shape).first;
  }
  if (!cached->second.first)
    return false;
  group.data = cached->second.second;

  if (!inferModelShape(
          *group.model,
          [&](llvm::StringRef param) { return get(values, ("model." + param).str()); }, diags,
          addContext, group.shape, &modelSteps))
    return false;
  warnAboutUnusedLayers(group);

  const DatasetShape &data = group.data;
  llvm::SMLoc modelLoc = spec.root.lookup("model")->loc;
  if (group.shape.getParameterCount() == 0) {
    auto diag = diags.error(modelLoc, "model '" + modelNode.kind +
                                          "' has no dense layer: it has nothing to train");
    addContext(diag);
    return false;
  }
  if (group.shape.inputs != data.inputs) {
    auto diag = diags.error(modelLoc, "model '" + modelNode.kind + "' takes " +
                                          std::to_string(group.shape.inputs) +
                                          " inputs but dataset '" + dataNode.kind + "' has " +
                                          std::to_string(data.inputs) + " features");
    addContext(diag);
    return false;
  }
  if (group.shape.outputs != data.targets) {
    auto diag =
        diags.error(modelLoc, "model '" + modelNode.kind + "' returns " +
                                  std::to_string(group.shape.outputs) + " values but dataset '" +
                                  dataNode.kind + "' has " + std::to_string(data.targets) +
                                  (data.isClassification() ? " classes" : " targets"));
    addContext(diag);
    return false;
  }
  // Each of these is an error of its own: report them all (a regression
  // dataset under early_stop, prune and report on accuracy is three errors,
  // which used to show one at a time).
  bool ok = true;
  if (group.loss == "cross_entropy" && !data.isClassification()) {
    diags.error(spec.root.lookup("loss")->loc,
                "loss cross_entropy needs class labels, but dataset '" + dataNode.kind +
                    "' has regression targets; use mse");
    ok = false;
  }
  // An accuracy reported only for the prune rule is the prune rule's error.
  if (llvm::is_contained(spec.metrics, "accuracy") && !data.isClassification() &&
      !llvm::is_contained(spec.metricsForPrune, "accuracy")) {
    diags.error(spec.reportLoc, "metric 'accuracy' needs class labels, but dataset '" +
                                    dataNode.kind + "' has regression targets");
    ok = false;
  }
  ok &= checkEarlyStop(group, dataNode.kind);
  ok &= checkPrune(group, dataNode.kind);
  return ok;
}

/// The prune rule ranks every run of the sweep together, across groups:
/// other widths and optimizers are what a search compares, but the metric of
/// another dataset, or the loss of another loss function, is no measure of
/// the same thing, and a later group would be judged by the earlier's scale.
void Planner::warnAboutPruneAcrossGroups(const SweepPlan &plan) {
  const SettingEntry *prune = spec.root.lookup("prune");
  auto metric = spec.pathIds.find("prune.metric");
  if (!prune || metric == spec.pathIds.end() || plan.groups.size() < 2)
    return;
  auto distinct = [&](auto field) {
    std::vector<std::string> names;
    for (const RunGroup &group : plan.groups)
      if (!llvm::is_contained(names, field(group)))
        names.push_back(field(group));
    return names;
  };
  auto quoted = [](const std::vector<std::string> &names) {
    std::string text;
    for (size_t i = 0; i < names.size(); ++i)
      text += (i ? ", '" : "'") + names[i] + "'";
    return text;
  };
  std::vector<std::string> datasets = distinct([](const RunGroup &g) { return g.dataset; });
  std::vector<std::string> losses = distinct([](const RunGroup &g) { return g.loss.str(); });
  bool onLoss = false;
  std::string metricName;
  for (const Value &value : possibleValues(spec, metric->second)) {
    metricName = value.s.str();
    onLoss |= value.s.ends_with("_loss");
  }
  if (datasets.size() > 1)
    diags.warning(prune->loc, "prune ranks all runs of sweep '" + spec.name +
                                  "' together, but they train on different datasets (" +
                                  quoted(datasets) + "): their " + metricName +
                                  " values do not compare, and the groups trained later are "
                                  "judged by the earlier ones' (one sweep per dataset prunes "
                                  "each on its own)");
  else if (onLoss && losses.size() > 1)
    diags.warning(prune->loc, "prune ranks all runs of sweep '" + spec.name + "' on " + metricName +
                                  " together, but they minimize different losses (" +
                                  quoted(losses) +
                                  "), whose values do not compare (one sweep per loss prunes "
                                  "each on its own)");
}

bool Planner::checkPrune(const RunGroup &group, llvm::StringRef dataset) {
  const SettingEntry *prune = spec.root.lookup("prune");
  auto metric = spec.pathIds.find("prune.metric");
  if (!prune || metric == spec.pathIds.end())
    return true;
  for (const Value &value : possibleValues(spec, metric->second)) {
    if (value.s.starts_with("val_") && group.data.validation == 0) {
      diags.error(prune->loc, "prune compares runs on " + value.s.str() + ", but dataset '" +
                                  dataset +
                                  "' has no validation split; give it "
                                  "'validation: N' or a fraction, or compare on train_loss");
      return false;
    }
    if (value.s == "val_accuracy" && !group.data.isClassification()) {
      diags.error(prune->loc, "prune on val_accuracy needs class labels, but dataset '" + dataset +
                                  "' has regression targets; compare on val_loss");
      return false;
    }
  }
  return true;
}

bool Planner::checkEarlyStop(const RunGroup &group, llvm::StringRef dataset) {
  const SettingEntry *earlyStop = spec.root.lookup("early_stop");
  if (!earlyStop)
    return true;
  if (group.data.validation == 0) {
    diags.error(earlyStop->loc, "early_stop watches a validation metric, but dataset '" + dataset +
                                    "' has no validation split; give it "
                                    "'validation: N' or a fraction");
    return false;
  }
  auto metric = spec.pathIds.find("early_stop.metric");
  if (group.data.isClassification() || metric == spec.pathIds.end())
    return true;
  for (const Value &value : possibleValues(spec, metric->second)) {
    if (value.s == "val_accuracy") {
      diags.error(earlyStop->loc, "early_stop on val_accuracy needs class labels, but dataset '" +
                                      dataset + "' has regression targets; watch val_loss");
      return false;
    }
  }
  return true;
}

/// Numeric model arguments (floats) vary inside a group; check each distinct
/// combination once, for the value checks that need numbers (dropout).
bool Planner::checkModelNumbers(RunGroup &group) {
  bool hasNumbers = false;
  for (const ModelParam &param : group.model->getParams()) {
    auto it = spec.pathIds.find(("model." + param.name.name));
    if (it != spec.pathIds.end() && !spec.paths[it->second].structural &&
        spec.paths[it->second].varies)
      hasNumbers = true;
  }
  if (!hasNumbers)
    return true;
  llvm::StringSet<> seen;
  std::vector<Value> values;
  for (uint32_t r : group.runs) {
    resolveRun(spec, runs.getIndices(r), values);
    std::string key = keyOf(values, /*structural=*/false, "model.");
    if (!seen.insert(key).second)
      continue;
    ModelShape scratch;
    auto addContext = [&](mlir::InFlightDiagnostic &diag) {
      diag.attachNote(diags.getLocation(spec.root.lookup("model")->loc))
          << "in the runs of sweep '" << spec.name << "' with " << key;
    };
    if (!inferModelShape(
            *group.model,
            [&](llvm::StringRef param) { return get(values, ("model." + param).str()); }, diags,
            addContext, scratch, &modelSteps))
      return false;
  }
  return true;
}

mlir::FailureOr<SweepPlan> sweep::planSweep(const SweepSpec &spec, const RunTable &runs,
                                            SourceDiagnostics &diags, const PlanOptions &options) {
  return Planner(spec, runs, diags, options).run();
}
