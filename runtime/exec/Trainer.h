//===- Trainer.h - training every run of a sweep ----------------*- C++ -*-===//
//
// The training loop over groups, chunks of runs and epochs, through the group
// ABI. Per epoch it shuffles (the same order for every run: the order depends
// on the dataset's seed and the epoch only), steps through the minibatches
// with each run's scheduled learning rate, marks a run whose loss is NaN/Inf
// `diverged` and stops stepping it, evaluates validation and test, applies
// early stopping and the sweep's prune rule (runtime/exec/PruningBoard.h),
// compacts programs whose runs have mostly stopped, and appends the epoch's
// curve rows. Finished runs go to
// runs.csv at once, so an interrupted sweep loses only unfinished runs.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_TRAINER_H
#define SWEEP_RUNTIME_EXEC_TRAINER_H

#include "runtime/data/Dataset.h"
#include "runtime/energy/EnergyLedger.h"
#include "runtime/exec/GroupProgram.h"
#include "runtime/exec/Progress.h"
#include "runtime/results/ResultsStore.h"
#include "runtime/results/WeightKeeper.h"

#include <atomic>
#include <functional>

namespace sweep {

struct TrainerOptions {
  unsigned threads = 1; // Programs trained at once.
  /// Where joules are metered and attributed; null: no energy figures.
  EnergyLedger *energy = nullptr;
  /// Stop when the sweep has used this many joules (0: no budget). Runs not
  /// finished by then are not recorded, so `--resume` trains them later.
  double energyBudgetJoules = 0;
  /// Compaction: when runs stopped, gather the live runs into a smaller
  /// program (Backend::compactionSizes, CompactionSize.h) so that they stop
  /// costing. Off only to measure what it saves.
  bool compaction = true;
  /// MPI: this process trains the programs c with c % shards == shard (the
  /// chunks of trainSweep's cut, in training order) and leaves the others to
  /// the other ranks.
  unsigned shard = 0, shards = 1;
  /// --save-weights: where the best runs' trained parameters go (null: none).
  WeightKeeper *weights = nullptr;
  /// Where the runs train ("cpu" or "cuda"), for their records.
  std::string device = "cpu";
};

/// How trainSweep ended, besides errors.
struct TrainerOutcome {
  bool budgetSpent = false;  // The energy budget stopped the sweep.
  size_t unfinishedRuns = 0; // Runs left untrained or cut off by the budget.
};

/// Trains every run of `job` that `store` does not hold yet. `datasets` is
/// indexed like job.datasets. Appends the new records to `records`.
bool trainSweep(const SweepJob &job, const std::vector<Dataset> &datasets, Backend &backend,
                ResultsStore &store, const std::vector<MetricColumn> &metrics,
                const Ranking &ranking, Progress &progress, const TrainerOptions &options,
                std::vector<RunRecord> &records, std::string &error,
                TrainerOutcome *outcome = nullptr);

/// The training-sample order of `epoch` (from 1): a Fisher-Yates shuffle drawn
/// from stream (seed, kShuffle + epoch).
std::vector<uint32_t> shuffledOrder(int64_t count, uint64_t seed, int64_t epoch);

/// Readies one program per group and chunk size of a fresh sweep on
/// `threads` threads (Backend::prepare: a compiling backend compiles the code
/// and keeps it, making no program), so that a failure is reported before any
/// results file is written. `programReady` (when given) is called, on the
/// compiling thread, as each is ready. Once `cancel` (when given) is set, no
/// further program is started (training failed while compiling went on
/// beside it); that is not a failure.
bool prepareBackend(const SweepJob &job, Backend &backend, unsigned threads, std::string &error,
                    const std::function<void()> &programReady = {},
                    const std::atomic<bool> *cancel = nullptr);

/// How many programs train `job` from the start: its groups cut into chunks
/// of runsPerProgram runs (at most that many threads ever train at once).
size_t programsToTrain(const SweepJob &job, const Backend &backend);

/// How many programs prepareBackend makes for `job`: one per group and chunk
/// size.
size_t programsToPrepare(const SweepJob &job, const Backend &backend);

/// The unfinished runs, run-epochs and programs that shard `shard` of
/// `shards` trains (trainSweep's cut of the sweep into programs, dealt out in
/// turn).
void shardWork(const SweepJob &job, const Backend &backend, const ResultsStore &store,
               unsigned shard, unsigned shards, size_t &runs, double &work, size_t &programs);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_TRAINER_H
