//===- Summary.h - ranking, leaderboard and summary.json --------*- C++ -*-===//
//
// Runs are ranked by the sweep's first reported metric on the validation split
// (test when there is none, the training loss when neither exists): accuracy
// higher first, losses lower first. Diverged runs and runs without the metric
// are not ranked.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_SUMMARY_H
#define SWEEP_RUNTIME_RESULTS_SUMMARY_H

#include "runtime/results/RunRecord.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace sweep {

struct Ranking {
  size_t column = 0; // Index into the metric columns.
  bool higherIsBetter = false;
};

Ranking chooseRanking(const std::vector<MetricColumn> &metrics);

/// The ranked runs, best first.
std::vector<const RunRecord *> rankRuns(const std::vector<RunRecord> &records,
                                        const Ranking &ranking);

/// The energy of an invocation (runtime/energy's ledger, in plain numbers).
struct EnergyFacts {
  bool metered = false;
  std::string source;            // "measured:rapl", "measured:nvml", "estimated:model"
  std::string detail;            // The meter's description (domains, or why the model).
  double totalJoules = 0;        // Metered during this invocation.
  double unattributedJoules = 0; // Windows without training work.
  double idleWatts = 0;          // Measured idle power, or the model's; 0 unknown.
  double seconds = 0;            // Metered time.
  std::vector<std::pair<std::string, double>> phaseJoules;
  double budgetJoules = 0; // 0: none.
  bool budgetSpent = false;
  size_t unfinishedRuns = 0;
  std::string error; // A meter failure, if any.
  /// Why nothing was metered (`metered` false): "--no-energy", or the
  /// device's meter could not be had (a GPU without NVML).
  std::string unmeteredBecause;
};

/// Facts about the invocation that summary.json records.
struct SweepFacts {
  std::string backend;
  std::string device; // "cpu", or "cuda: " and the GPU's name.
  /// Why `device auto` trains on the CPU ("no GPU: ..."); "" where it did
  /// not fall back. Regression: only a progress line said it, which --quiet
  /// drops.
  std::string deviceFallback;
  std::string started, finished; // ISO 8601, UTC.
  double wallSeconds = 0;
  size_t resumedRuns = 0; // Runs kept from an earlier, interrupted invocation.
  unsigned threads = 1; // Per process.
  unsigned ranks = 1;   // MPI processes (docs/cluster.md).
  std::string host;
  double compileSeconds = 0; // Wall time compiling group programs (0 for the interpreter).
  size_t programs = 0;
  size_t programsFromCache = 0; // Of `programs`, loaded from the compile cache.
  /// Programs of other sizes made while training (those compactions gather
  /// runs into; a resumed sweep's last runs'): not in `programs` nor in
  /// `compileSeconds`.
  size_t programsWhileTraining = 0;
  /// What the programs training at once held on the host at most
  /// (runtime/kernels/ProgramHeap.h; not metered for the GPU's device memory),
  /// and the --max-memory that capped them (0: none).
  bool programMemoryMetered = false;
  uint64_t programMemoryPeak = 0, maxMemory = 0;
  EnergyFacts energy;
  /// --save-weights: how many best runs' weights were asked for (0: none),
  /// the files kept (relative to the sweep's directory, best first), and the
  /// best runs without one (finished in an invocation that saved fewer or no weights).
  size_t weightsAsked = 0;
  std::vector<std::string> weightFiles;
  std::vector<uint64_t> weightsMissing;
};

/// The accuracy-vs-energy Pareto front: the runs (with a value of the
/// ranking metric and joules) that no other run beats on the metric for at
/// most the same energy, by increasing joules (so each is the best metric
/// for its energy level).
std::vector<const RunRecord *> paretoFront(const std::vector<RunRecord> &records,
                                           const Ranking &ranking);

/// The energy lines of the end-of-run report: total and source, idle
/// baseline, phases, the budget, and the Pareto front.
void printEnergyReport(std::ostream &os, const std::vector<RunRecord> &records,
                       const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                       const EnergyFacts &energy);

std::string summaryJson(const SweepJob &job, const std::vector<RunRecord> &records,
                        const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                        const SweepFacts &facts);

/// The top `count` runs as a text table: rank, run, status, metrics, seconds,
/// and the hyperparameters that differ between runs.
/// One line on the runs that ended early and the run-epochs that saved
/// ("" printed when every run trained to the end).
void printStoppingReport(std::ostream &os, const SweepJob &job,
                         const std::vector<RunRecord> &records);

void printLeaderboard(std::ostream &os, const SweepJob &job, const std::vector<RunRecord> &records,
                      const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                      size_t count);

/// `value` with `decimals` decimals, or in three significant digits where
/// those decimals would show only zeros. Regression: a val_mse of 1e-6 and
/// joules of 0.004 read "0.0000" and "0.0" on every line.
std::string fixedOrSignificant(double value, int decimals);

/// The current time as ISO 8601 UTC ("2026-11-28T12:00:00Z").
std::string isoTimeNow();

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_SUMMARY_H
