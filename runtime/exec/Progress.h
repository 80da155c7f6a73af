//===- Progress.h - what a long sweep tells its user ------------*- C++ -*-===//
//
// On a terminal one status line is redrawn in place (runs done, the epoch of
// the newest run, ETA, best so far); otherwise a plain log line is printed at
// most every few seconds, and always when a run diverges; --quiet prints
// nothing. Progress is counted in run-epochs, so the ETA holds when runs of
// different lengths mix. All methods are thread-safe.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_PROGRESS_H
#define SWEEP_RUNTIME_EXEC_PROGRESS_H

#include "runtime/results/Summary.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace sweep {

class Progress {
public:
  enum class Mode { Terminal, Log, Quiet };

  /// Terminal when stderr is one, Log otherwise; Quiet when `quiet`.
  static Mode detectMode(bool quiet);

  Progress(Mode mode, std::string sweep, size_t totalRuns, size_t finishedRuns, double totalWork,
           std::string metricName, bool higherIsBetter);

  /// `work` run-epochs completed; `epoch` of `epochs` is where the reporting run is.
  void advance(double work, int64_t epoch, int64_t epochs);
  void runFinished(const RunRecord &record, double rankingValue, double skippedWork);
  /// Ends the status line.
  void finish();
  /// Runs finished so far, resumed ones included; lock-free, so a signal
  /// handler may read it (InterruptNotice).
  const std::atomic<size_t> &finishedRunCount() const { return finishedRuns; }
  size_t runCount() const { return totalRuns; }

private:
  void print(bool force);

  Mode mode;
  std::string sweep, metricName;
  bool higherIsBetter;
  size_t totalRuns;
  std::atomic<size_t> finishedRuns;
  double totalWork, doneWork = 0;
  int64_t epoch = 0, epochs = 0;
  double best = 0;
  uint64_t bestRun = 0;
  bool haveBest = false;
  size_t diverged = 0;
  size_t pruned = 0; // Stopped by the prune rule.
  std::chrono::steady_clock::time_point start, lastPrint;
  bool drawn = false; // The terminal line is on screen.
  std::mutex mutex;
  FILE *out = stderr;
};

/// "1h02m", "3m20s", "12s".
std::string formatDuration(double seconds);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_PROGRESS_H
