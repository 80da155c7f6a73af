//===- Interpreter.cpp - the reference backend ----------------------------===//

#include "runtime/interp/Interpreter.h"

#include "runtime/interp/Kernels.h"
#include "runtime/kernels/FmaTarget.h"
#include "runtime/rng/TrainingDraws.h"

#include <algorithm>
#include <map>
#include <mutex>

using namespace sweep;
using namespace sweep::kernels;

namespace {
// The matrix products, activations and softmax losses, built twice
// (runtime/kernels/FmaTarget.h): for CPUs with FMA instructions (std::fma, in
// the products and in exp32, becomes one instruction and the loops vectorize)
// and for any x86-64 (a libm call per fused multiply-add). Both give the same
// bits; only the speed differs.

SWEEP_WITH_FMA void denseForwardFma(const float *x, const float *w, const float *b, float *y,
                                    int64_t n, int64_t in, int64_t out) {
  kernels::denseForward(x, w, b, y, n, in, out);
}
SWEEP_WITH_FMA void denseBackwardFma(const float *x, const float *w, const float *dy, float *dx,
                                     float *dw, float *db, int64_t n, int64_t in, int64_t out) {
  kernels::denseBackward(x, w, dy, dx, dw, db, n, in, out);
}
SWEEP_WITH_FMA void activationForwardFma(Activation act, const float *z, float *y,
                                         int64_t count) {
  kernels::activationForward(act, z, y, count);
}
SWEEP_WITH_FMA void activationBackwardFma(Activation act, const float *z, const float *y,
                                          const float *dy, float *dz, int64_t count) {
  kernels::activationBackward(act, z, y, dy, dz, count);
}
SWEEP_WITH_FMA double crossEntropyFma(const float *logits, const int32_t *labels, float *dlogits,
                                      int64_t n, int64_t classes, double *correct) {
  return kernels::crossEntropy(logits, labels, dlogits, n, classes, correct);
}
SWEEP_WITH_FMA void softmaxRowsFma(const float *logits, float *probabilities, int64_t n,
                                   int64_t classes) {
  kernels::softmaxRows(logits, probabilities, n, classes);
}

void denseForward(const float *x, const float *w, const float *b, float *y, int64_t n, int64_t in,
                  int64_t out) {
  if (cpuHasFma())
    return denseForwardFma(x, w, b, y, n, in, out);
  kernels::denseForward(x, w, b, y, n, in, out);
}

void denseBackward(const float *x, const float *w, const float *dy, float *dx, float *dw, float *db,
                   int64_t n, int64_t in, int64_t out) {
  if (cpuHasFma())
    return denseBackwardFma(x, w, dy, dx, dw, db, n, in, out);
  kernels::denseBackward(x, w, dy, dx, dw, db, n, in, out);
}

void activationForward(Activation act, const float *z, float *y, int64_t count) {
  if (cpuHasFma())
    return activationForwardFma(act, z, y, count);
  kernels::activationForward(act, z, y, count);
}

void activationBackward(Activation act, const float *z, const float *y, const float *dy, float *dz,
                        int64_t count) {
  if (cpuHasFma())
    return activationBackwardFma(act, z, y, dy, dz, count);
  kernels::activationBackward(act, z, y, dy, dz, count);
}

double crossEntropy(const float *logits, const int32_t *labels, float *dlogits, int64_t n,
                    int64_t classes, double *correct) {
  if (cpuHasFma())
    return crossEntropyFma(logits, labels, dlogits, n, classes, correct);
  return kernels::crossEntropy(logits, labels, dlogits, n, classes, correct);
}

void softmaxRows(const float *logits, float *probabilities, int64_t n, int64_t classes) {
  if (cpuHasFma())
    return softmaxRowsFma(logits, probabilities, n, classes);
  kernels::softmaxRows(logits, probabilities, n, classes);
}
} // namespace

InterpretedRun::InterpretedRun(const GroupSpec &group, const RunSpec &run)
    : group(group), run(run) {
  int64_t dense = 0, dropout = 0;
  for (const LayerSpec &layer : group.layers) {
    denseOfLayer.push_back(layer.kind == LayerSpec::Kind::Dense ? dense++ : -1);
    dropoutOfLayer.push_back(layer.kind == LayerSpec::Kind::Dropout ? dropout++ : -1);
    if (layer.kind == LayerSpec::Kind::Dense) {
      for (int64_t size : {layer.inputs * layer.outputs, layer.outputs}) {
        params.emplace_back(size_t(size), 0.0f);
        grads.emplace_back(size_t(size), 0.0f);
        slot1.emplace_back(size_t(size), 0.0f);
        slot2.emplace_back(run.optimizer == OptimizerKind::Sgd ? 0 : size_t(size), 0.0f);
      }
    }
  }
  masks.resize(size_t(dropout));
  values.resize(group.layers.size() + 1);
}

void InterpretedRun::init() {
  size_t dense = 0;
  for (const LayerSpec &layer : group.layers) {
    if (layer.kind != LayerSpec::Kind::Dense)
      continue;
    initDenseWeights(run, dense, layer.inputs, layer.outputs, weights(dense).data());
    std::fill(bias(dense).begin(), bias(dense).end(), 0.0f);
    ++dense;
  }
  for (auto *state : {&slot1, &slot2})
    for (std::vector<float> &tensor : *state)
      std::fill(tensor.begin(), tensor.end(), 0.0f);
  updates = 0;
}

void InterpretedRun::forward(const Batch &batch, bool train, uint64_t step) {
  int64_t n = batch.n;
  values[0].assign(batch.x, batch.x + n * group.inputs);
  for (size_t l = 0; l < group.layers.size(); ++l) {
    const LayerSpec &layer = group.layers[l];
    const std::vector<float> &in = values[l];
    std::vector<float> &out = values[l + 1];
    out.resize(size_t(n * layer.outputs));
    switch (layer.kind) {
    case LayerSpec::Kind::Dense: {
      size_t d = size_t(denseOfLayer[l]);
      denseForward(in.data(), weights(d).data(), bias(d).data(), out.data(), n, layer.inputs,
                   layer.outputs);
      break;
    }
    case LayerSpec::Kind::Activation:
      activationForward(layer.activation, in.data(), out.data(), n * layer.outputs);
      break;
    case LayerSpec::Kind::Dropout: {
      size_t d = size_t(dropoutOfLayer[l]);
      double p = run.dropout[d];
      if (!train || p == 0) {
        out = in;
        break;
      }
      masks[d].resize(size_t(n * layer.outputs));
      dropoutScales(run.seed, d, p, step, group.batch, n, layer.outputs, masks[d].data());
      applyMask(in.data(), masks[d].data(), out.data(), n * layer.outputs);
      break;
    }
    }
  }
}

double InterpretedRun::loss(const Batch &batch, float *gradient, double *correct, double *squared) {
  const std::vector<float> &out = values.back();
  int64_t width = group.outputs;
  if (squared) {
    // The `mse` metric scores the prediction: class probabilities (the Brier
    // score) when training with cross-entropy, the raw outputs with mse.
    const float *prediction = out.data();
    if (group.loss == LossKind::CrossEntropy) {
      probabilities.resize(out.size());
      softmaxRows(out.data(), probabilities.data(), batch.n, width);
      prediction = probabilities.data();
    }
    *squared += meanSquaredError<float>(prediction, batch.targets, batch.classes, nullptr, batch.n,
                                        width, nullptr);
  }
  if (group.loss == LossKind::CrossEntropy)
    return crossEntropy(out.data(), batch.classes, gradient, batch.n, width, correct);
  return meanSquaredError<float>(out.data(), batch.targets, batch.classes, gradient, batch.n, width,
                                 correct);
}

double InterpretedRun::trainStep(const Batch &batch, uint64_t step, double lr) {
  forward(batch, /*train=*/true, step);
  int64_t n = batch.n;
  gradA.assign(size_t(n * group.outputs), 0.0f);
  double total = loss(batch, gradA.data(), nullptr, nullptr);
  for (std::vector<float> &g : grads)
    std::fill(g.begin(), g.end(), 0.0f);
  // Backward: gradA holds d loss / d (output of layer l).
  for (size_t l = group.layers.size(); l-- > 0;) {
    const LayerSpec &layer = group.layers[l];
    bool needInput = l > 0;
    gradB.assign(size_t(n * layer.inputs), 0.0f);
    switch (layer.kind) {
    case LayerSpec::Kind::Dense: {
      size_t d = size_t(denseOfLayer[l]);
      denseBackward(values[l].data(), weights(d).data(), gradA.data(),
                    needInput ? gradB.data() : nullptr, grads[2 * d].data(),
                    grads[2 * d + 1].data(), n, layer.inputs, layer.outputs);
      break;
    }
    case LayerSpec::Kind::Activation:
      activationBackward(layer.activation, values[l].data(), values[l + 1].data(), gradA.data(),
                         gradB.data(), n * layer.outputs);
      break;
    case LayerSpec::Kind::Dropout: {
      size_t d = size_t(dropoutOfLayer[l]);
      if (run.dropout[d] == 0)
        gradB = gradA;
      else
        applyMask(gradA.data(), masks[d].data(), gradB.data(), n * layer.outputs);
      break;
    }
    }
    std::swap(gradA, gradB);
  }
  ++updates;
  float rate = float(lr);
  for (size_t p = 0; p < params.size(); ++p) {
    int64_t count = int64_t(params[p].size());
    switch (run.optimizer) {
    case OptimizerKind::Sgd:
      sgdUpdate(params[p].data(), grads[p].data(), slot1[p].data(), count, rate,
                float(run.momentum), run.nesterov, float(run.weightDecay));
      break;
    case OptimizerKind::Adam:
    case OptimizerKind::AdamW:
      adamUpdate(params[p].data(), grads[p].data(), slot1[p].data(), slot2[p].data(), count, rate,
                 float(run.beta1), float(run.beta2), float(run.eps), float(run.weightDecay),
                 run.optimizer == OptimizerKind::AdamW, updates);
      break;
    }
  }
  return total / double(n);
}

void InterpretedRun::evaluate(const Batch &batch, EvalSums &sums) {
  forward(batch, /*train=*/false, 0);
  double correct = 0;
  sums.loss += loss(batch, nullptr, batch.classes ? &correct : nullptr, &sums.squaredError);
  sums.correct += correct;
}

namespace {
/// R interpreted runs behind the group ABI, each computed on its own.
class InterpretedGroup : public GroupProgram {
public:
  /// `perRun`: the group's phase table for one run (the interpreter counts
  /// one execution per alive run).
  InterpretedGroup(const GroupSpec &group, const std::vector<const RunSpec *> &runs,
                   std::vector<PhaseCost> perRun)
      : probes(std::move(perRun)) {
    for (const RunSpec *run : runs)
      members.push_back(std::make_unique<InterpretedRun>(group, *run));
    // Every region of a function runs once per call (no control flow).
    for (size_t i = 0; i < probes.phases().size(); ++i)
      (probes.phases()[i].function == "train_step" ? stepProbes : evalProbes).push_back(int64_t(i));
  }
  void init() override {
    for (auto &member : members)
      member->init();
  }
  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    for (size_t r = 0; r < members.size(); ++r)
      if (alive[r]) {
        loss[r] = members[r]->trainStep(batch, step, lr[r]);
        for (int64_t probe : stepProbes)
          probes.hit(probe);
      }
  }
  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    for (size_t r = 0; r < members.size(); ++r)
      if (alive[r]) {
        members[r]->evaluate(batch, sums[r]);
        for (int64_t probe : evalProbes)
          probes.hit(probe);
      }
  }
  bool readParameters(size_t run, std::vector<float> &out) const override {
    out.clear();
    for (const std::vector<float> &tensor : members[run]->parameters())
      out.insert(out.end(), tensor.begin(), tensor.end());
    return true;
  }
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    if (!validGatherIndices(keep, members.size(), error))
      return false;
    std::vector<std::unique_ptr<InterpretedRun>> kept;
    for (size_t index : keep)
      kept.push_back(std::move(members[index]));
    members = std::move(kept);
    return true;
  }
  size_t runCount() const override { return members.size(); }
  void takeWork(PhaseWork &work) override { probes.takeWork(work); }

private:
  std::vector<std::unique_ptr<InterpretedRun>> members;
  ProbeCounters probes;
  std::vector<int64_t> stepProbes, evalProbes;
};

class InterpreterBackend : public Backend {
public:
  InterpreterBackend(PhaseCostsFn costs, size_t runs)
      : costs(std::move(costs)), perProgram(std::max<size_t>(runs, 1)) {}
  std::string name() const override { return "interp"; }
  /// Parameters and state updated in place: once each.
  uint64_t leastBytesPerRun(const GroupSpec &group) const override {
    return sweep::leastBytesPerRun(group, /*nextStep=*/false);
  }
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &) const override {
    return perProgram;
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::vector<PhaseCost> table;
    if (costs) {
      // One table per group, computed once (a sweep may have 10,000 runs).
      std::lock_guard<std::mutex> lock(mutex);
      std::string key = group.label + "@" + std::to_string(uintptr_t(&group));
      auto it = tables.find(key);
      if (it == tables.end()) {
        if (!costs(group, table, error))
          return nullptr;
        tables.emplace(key, table);
      } else {
        table = it->second;
      }
    }
    return std::make_unique<InterpretedGroup>(group, runs, std::move(table));
  }

private:
  PhaseCostsFn costs;
  size_t perProgram; // Runs in each program, at least 1.
  std::mutex mutex;
  std::map<std::string, std::vector<PhaseCost>> tables; // By label and address.
};
} // namespace

std::unique_ptr<Backend> sweep::createInterpreterBackend(PhaseCostsFn costs,
                                                         size_t runsPerProgram) {
  return std::make_unique<InterpreterBackend>(std::move(costs), runsPerProgram);
}
