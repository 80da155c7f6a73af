//===- Progress.h - what a long sweep tells its user ------------*- C++ -*-===//
//
// On a terminal one status line is redrawn in place (runs done, the epochs
// of the programs training, ETA, best so far); otherwise a plain log line is printed at
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
#include <map>
#include <set>
#include <string>

namespace sweep {

/// `line` cut to `columns` - 1 characters (UTF-8 characters, not bytes): a
/// line as wide as the terminal wraps, and \r then redraws only its last
/// part. 0 columns (not a terminal): the whole line.
std::string fitToColumns(const std::string &line, size_t columns);
/// The width of the terminal `out` writes to; 0 when it is none.
size_t terminalColumns(FILE *out);

class Progress {
public:
  enum class Mode { Terminal, Log, Quiet };

  /// Terminal when stderr is one (and $TERM is not "dumb", which redraws
  /// no line), Log otherwise; Quiet when `quiet`.
  static Mode detectMode(bool quiet);
  /// detectMode's choice for a stderr that `isTerminal`, under $TERM `term`.
  static Mode modeFor(bool quiet, bool isTerminal, const char *term);

  /// Writes to `out` (stderr but in tests).
  Progress(Mode mode, std::string sweep, size_t totalRuns, size_t finishedRuns, double totalWork,
           std::string metricName, bool higherIsBetter, FILE *out = stderr);

  /// `work` run-epochs completed; `program` (any id unique among the
  /// programs training at once) has finished `epoch` of its `epochs`.
  void advance(double work, size_t program, int64_t epoch, int64_t epochs);
  /// `program` has ended: its epochs leave the status line.
  void programEnded(size_t program);
  /// Run `id` stopped training in `epoch` for `reason` (its record comes when
  /// its program ends): counted as diverged or pruned now, not then.
  void runStopped(uint64_t id, StopReason reason, int64_t epoch);
  void runFinished(const RunRecord &record, double rankingValue, double skippedWork);
  /// A run a resume found finished (counted among the finished already):
  /// it may be the best, and may have stopped early.
  void runResumed(const RunRecord &record, double rankingValue);
  /// Ends the status line.
  void finish();
  /// The status line as it would be drawn now.
  std::string line();
  /// Runs finished so far, resumed ones included; lock-free, so a signal
  /// handler may read it (InterruptNotice).
  const std::atomic<size_t> &finishedRunCount() const { return finishedRuns; }
  size_t runCount() const { return totalRuns; }

private:
  void print(bool force);
  std::string lineLocked(std::chrono::steady_clock::time_point now) const;
  /// Counts (and in a log, prints) a run that stopped early.
  void countStop(uint64_t id, StopReason reason, int64_t epoch, bool log = true);
  void considerBest(const RunRecord &record, double rankingValue);
  /// "epoch 4/10", or "epochs 3-5/10" or "epochs 3/10 to 7/20" for several
  /// programs at once ("" when none trains).
  std::string epochText() const;

  Mode mode;
  std::string sweep, metricName;
  bool higherIsBetter;
  size_t totalRuns;
  std::atomic<size_t> finishedRuns;
  double totalWork, doneWork = 0;
  /// Each program training: its epoch done and its epochs. Regression: one
  /// number, overwritten by every program, went back and forth (4, 5, 4, 6).
  std::map<size_t, std::pair<int64_t, int64_t>> programEpochs;
  std::set<uint64_t> counted; ///< Stopped runs counted before their record came.
  double best = 0;
  uint64_t bestRun = 0;
  bool haveBest = false;
  size_t diverged = 0;
  size_t pruned = 0; // Stopped by the prune rule.
  std::chrono::steady_clock::time_point start, lastPrint;
  bool drawn = false; // The terminal line is on screen.
  std::mutex mutex;
  FILE *out;
};

/// "1h02m", "3m20s", "12s".
std::string formatDuration(double seconds);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_PROGRESS_H
