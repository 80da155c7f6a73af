//===- Interpreter.h - the reference backend --------------------*- C++ -*-===//
//
// `--backend=interp`: plain C++ forward, backward and update for every layer,
// loss and optimizer, one run at a time. Its loops are simple rather than
// fast: it exists to be obviously right, and compiled backends are checked
// against it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_INTERP_INTERPRETER_H
#define SWEEP_RUNTIME_INTERP_INTERPRETER_H

#include "runtime/exec/GroupProgram.h"

#include <functional>

namespace sweep {

/// The static cost of one run of a group's phases (forward, backward, update
/// of train_step; eval of evaluate): the compiler's energy-insert-probes
/// numbers, which the interpreter's probe counts are multiplied by.
using PhaseCostsFn =
    std::function<bool(const GroupSpec &, std::vector<PhaseCost> &, std::string &error)>;

/// The reference interpreter; without `costs` its programs report no work.
/// Its programs hold `runsPerProgram` runs (0: one), each step taken by one
/// run after another; the cut matters to pruning, whose rungs judge a
/// program's runs together, so the same --runs-per-program gives the compiled
/// backend's verdicts.
std::unique_ptr<Backend> createInterpreterBackend(PhaseCostsFn costs = nullptr,
                                                  size_t runsPerProgram = 0);

/// One run's program, exposed for tests that inspect weights.
class InterpretedRun {
public:
  InterpretedRun(const GroupSpec &group, const RunSpec &run);
  void init();
  double trainStep(const Batch &batch, uint64_t step, double lr);
  void evaluate(const Batch &batch, EvalSums &sums);

  /// Weights of dense layer `dense` ([inputs, outputs]) and its bias.
  std::vector<float> &weights(size_t dense) { return params[2 * dense]; }
  std::vector<float> &bias(size_t dense) { return params[2 * dense + 1]; }
  /// Every parameter tensor in order (weights, bias per dense layer).
  const std::vector<std::vector<float>> &parameters() const { return params; }

private:
  /// Runs the layers on `batch`; with `train`, draws dropout masks for `step`.
  void forward(const Batch &batch, bool train, uint64_t step);
  double loss(const Batch &batch, float *gradient, double *correct, double *squared);

  const GroupSpec &group;
  const RunSpec &run;
  std::vector<std::vector<float>> params, grads, slot1, slot2; // Two per dense layer.
  std::vector<int64_t> denseOfLayer, dropoutOfLayer;
  std::vector<std::vector<float>> values; // values[l + 1]: output of layer l.
  std::vector<std::vector<float>> masks;  // Dropout scales per dropout layer.
  std::vector<float> gradA, gradB, probabilities;
  int64_t updates = 0;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_INTERP_INTERPRETER_H
