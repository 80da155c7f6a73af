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

/// Facts about the invocation that summary.json records.
struct SweepFacts {
  std::string backend;
  std::string started, finished; // ISO 8601, UTC.
  double wallSeconds = 0;
  size_t resumedRuns = 0; // Runs kept from an earlier, interrupted invocation.
  unsigned threads = 1;
  std::string host;
  double compileSeconds = 0; // Wall time compiling group programs (0 for the interpreter).
  size_t programs = 0;
};

std::string summaryJson(const SweepJob &job, const std::vector<RunRecord> &records,
                        const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                        const SweepFacts &facts);

/// The top `count` runs as a text table: rank, run, status, metrics, seconds,
/// and the hyperparameters that differ between runs.
void printLeaderboard(std::ostream &os, const SweepJob &job, const std::vector<RunRecord> &records,
                      const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                      size_t count);

/// The current time as ISO 8601 UTC ("2026-11-28T12:00:00Z").
std::string isoTimeNow();

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_SUMMARY_H
