//===- Plan.h - grouping runs and sizing each group -------------*- C++ -*-===//
//
// Runs whose structural settings agree form a group: one compiled program in
// which every tensor has a leading run axis. The planner forms the groups,
// computes each group's dataset and model shapes (checking that they fit
// together), and sizes the group: parameters per run, FLOPs per run-epoch and
// state memory.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_PLAN_H
#define SWEEP_LANG_PLAN_H

#include "lang/DatasetShape.h"
#include "lang/Grid.h"
#include "lang/ModelShape.h"

#include "llvm/Support/raw_ostream.h"

#include <map>

namespace sweep {

struct RunGroup {
  /// `path=value` for every structural setting, in path order.
  std::string key;
  /// The part of `key` a reader needs: top-level settings, and nested ones
  /// that vary across the sweep.
  std::string label;
  std::vector<uint32_t> runs; // Indices into the RunTable.
  const ModelDecl *model = nullptr;
  DatasetShape data;
  ModelShape shape;
  int64_t batch = 0;
  int64_t epochs = 0;
  llvm::StringRef optimizer;
  llvm::StringRef loss;
  std::string dataset; ///< The dataset's name.

  /// Dense-layer FLOPs of one run for one epoch: forward and backward over the
  /// training split (6 per multiply-add) plus a forward pass over validation.
  double getFlopsPerRunEpoch() const;
  /// Optimizer state slots per parameter: sgd keeps a momentum buffer, Adam two moments.
  int64_t getOptimizerSlots() const;
  /// Bytes of float32 state for all runs of the group: weights, gradients,
  /// optimizer state, and one minibatch of activations and their gradients.
  double getStateBytes() const;
};

struct SweepPlan {
  std::vector<RunGroup> groups;
  std::vector<uint32_t> groupOfRun;
};

/// Dataset shapes by data configuration; a failure is cached too, so that
/// sweeps sharing a broken dataset report it once.
using DatasetShapeCache = std::map<std::string, std::pair<bool, DatasetShape>>;

struct PlanOptions {
  /// Directory that relative data paths start from.
  std::string baseDir;
  /// IDX and CSV sources read their files for shapes; the fuzzer turns this off
  /// so that no input can make it open /dev/stdin.
  bool readDataFiles = true;
  /// Shared by the sweeps of one file; null for a cache of this call's own.
  DatasetShapeCache *datasetCache = nullptr;
};

/// Groups `runs` and checks every group's shapes.
mlir::FailureOr<SweepPlan> planSweep(const SweepSpec &spec, const RunTable &runs,
                                     SourceDiagnostics &diags, const PlanOptions &options);

/// The `sweepc plan` report.
void printPlan(const SweepSpec &spec, const RunTable &runs, const SweepPlan &plan,
               llvm::raw_ostream &os);

/// The `sweepc -emit=grid` listing: one line per run with its id, config hash,
/// group and the value of every setting that varies.
void printGrid(const SweepSpec &spec, const RunTable &runs, const SweepPlan &plan,
               llvm::raw_ostream &os);

} // namespace sweep

#endif // SWEEP_LANG_PLAN_H
