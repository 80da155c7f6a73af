//===- ResultsStore.h - crash-safe results of one sweep ---------*- C++ -*-===//
//
// results/<sweep>/ holds runs.csv (one row per finished run), curves.csv (one
// row per run and epoch) and summary.json; docs/results.md is the format.
//
// Crash safety: rows are appended with one write(2) per batch of rows, so a
// SIGKILL can cut at most the last row short, and a run's curve rows are all
// written before its runs.csv row. `--resume` keeps the complete runs.csv rows
// (checking each against the sweep's run ids and config hashes), drops a cut
// row, drops curve rows of runs without a runs.csv row, rewrites both files
// atomically (temporary file + rename), and the sweep trains what is left.
// A lock file keeps two processes from writing one directory.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_RESULTSSTORE_H
#define SWEEP_RUNTIME_RESULTS_RESULTSSTORE_H

#include "runtime/results/RunRecord.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sweep {

class ResultsStore {
public:
  enum class Mode {
    Fresh,     // Fail if the directory already holds results.
    Resume,    // Keep finished runs; start fresh when there are none.
    Overwrite, // Discard earlier results.
    ReadOnly,  // Read the finished runs; lock, write and change nothing (another
               // process writes the directory: MPI ranks read rank 0's).
  };

  /// Opens (creating it if needed) `dir` for `job`. On failure sets `error`
  /// and leaves existing files as they were.
  static std::unique_ptr<ResultsStore> open(const std::string &dir, const SweepJob &job,
                                            const std::vector<MetricColumn> &metrics, Mode mode,
                                            std::string &error);
  ~ResultsStore();
  /// Why `dir` cannot take a fresh sweep (it holds results, or another
  /// sweepc is writing them), or "". Opening checks this too; checking first
  /// spares compiling a sweep that cannot start.
  static std::string freshProblem(const std::string &dir);
  /// Whether `dir` (or a rank's folder under it) holds a finished run's row.
  static bool holdsFinishedRuns(const std::string &dir);

  const std::string &directory() const { return dir; }
  /// Runs finished in an earlier, interrupted invocation (Resume).
  const std::vector<RunRecord> &recoveredRuns() const { return recovered; }
  /// What resuming left out and why, for warnings (finished runs whose curve
  /// rows were lost, which train again).
  const std::vector<std::string> &recoveryNotes() const { return notes; }
  /// The curve rows of the recovered runs: what a pruning rule needs to judge
  /// the remaining runs as an uninterrupted sweep would have. In columns, 16
  /// bytes and the metrics a row: a resume can recover millions of rows.
  struct RecoveredCurves {
    std::vector<uint64_t> runs;
    std::vector<int64_t> epochs;
    std::vector<double> metrics; // Row-major, `width` (the metric columns) a row.
    size_t width = 0;

    size_t size() const { return runs.size(); }
    double metric(size_t row, size_t m) const { return metrics[row * width + m]; }
    /// A curves.csv row in this sweep's column order.
    void add(const std::vector<std::string> &fields);
    void append(const RecoveredCurves &other);
  };
  const RecoveredCurves &recoveredCurves() const { return points; }
  bool isFinished(uint64_t runId) const { return finishedIds.count(runId) != 0; }

  /// The curves.csv row of one run after one epoch.
  std::string curveRow(uint64_t runId, int64_t epoch, const MetricValues &metrics,
                       double seconds) const;
  /// Appends complete curves.csv rows (from curveRow), in one write.
  bool appendCurves(const std::string &rows, std::string &error);
  /// Removes the curve rows of runs without a runs.csv row (an energy budget
  /// cut them off; --resume trains them from the start).
  bool dropUnfinishedCurves(std::string &error);
  /// Appends a finished run to runs.csv.
  bool appendRun(const RunRecord &record, std::string &error);
  /// Appends a program's finished runs to runs.csv in one write: a kill
  /// leaves all of them or none, so a resume cuts its runs into the same
  /// programs, and pruning judges them as an uninterrupted sweep would.
  bool appendRuns(const std::vector<RunRecord> &records, std::string &error);
  /// Replaces summary.json atomically.
  bool writeSummary(const std::string &json, std::string &error);

  /// Appends the runs another directory of the same sweep finished that this
  /// one does not hold (each run's curve rows, then its runs.csv row, as
  /// appendRun does), and counts them as recovered. An MPI rank's results go
  /// into rank 0's directory this way. False with `error` when the other
  /// directory's files are not this sweep's; a directory without runs.csv
  /// adds nothing.
  bool absorb(const std::string &otherDir, const SweepJob &job, std::string &error);
  /// Takes the finished runs (and their curves) another store of the same
  /// sweep holds, without writing them: an MPI rank writes its own directory
  /// but must skip, and judge against, the runs rank 0's already holds.
  void adoptFinished(const ResultsStore &other);

  /// runs.csv's column of the epochs a run trained. Before 2026-11-30 it was
  /// `epochs`, the name of the `epochs` setting's column too, so that pandas
  /// read it as `epochs.1` and csv.DictReader lost the setting: readers
  /// accept the old name (kLegacyEpochsTrainedColumn) and a resume rewrites it.
  static constexpr const char *kEpochsTrainedColumn = "epochs_trained";
  static constexpr const char *kLegacyEpochsTrainedColumn = "epochs";
  /// Whether `name`, at the position after stop_reason, names that column.
  static bool isEpochsTrainedColumn(const std::string &name) {
    return name == kEpochsTrainedColumn || name == kLegacyEpochsTrainedColumn;
  }

  /// The header fields of runs.csv and curves.csv.
  static std::vector<std::string> runsHeader(const SweepJob &job,
                                             const std::vector<MetricColumn> &metrics);
  static std::vector<std::string> curvesHeader(const std::vector<MetricColumn> &metrics);
  /// The metric column named `name` ("test_accuracy"), -1 when none is.
  static int metricColumn(const std::vector<MetricColumn> &metrics, const char *name);

private:
  ResultsStore() = default;
  /// Reads runs.csv and curves.csv; `rewrite`: drop cut rows and orphaned
  /// curves from the files (not for ReadOnly).
  bool recover(const SweepJob &job, bool rewrite, std::string &error);
  /// The complete runs.csv rows of `dir`, checked against this sweep and
  /// put in its column order (its header must name this sweep's columns, in
  /// any order), read a block at a time.
  bool readRunRows(const std::string &dir, const SweepJob &job, std::vector<RunRecord> &runs,
                   std::vector<std::string> &runRows, std::string &error);
  /// Calls `row` with each whole curves.csv row of `dir` in this sweep's
  /// column order, streamed; false with `error` when the header does not
  /// name this sweep's columns, the file cannot be read or `row` fails.
  bool forEachCurveRow(
      const std::string &dir,
      const std::function<bool(std::vector<std::string> &fields, std::string &error)> &row,
      std::string &error) const;
  /// A finished run's runs.csv row.
  std::string runRow(const RunRecord &record) const;
  bool parseRunRow(const SweepJob &job, const std::vector<std::string> &fields, RunRecord &record,
                   std::string &error) const;
  /// Where each of `wanted` is in `header` (`columns`); false with `error`
  /// naming a column missing, repeated or not wanted.
  static bool matchColumns(const std::string &path, const std::vector<std::string> &header,
                           const std::vector<std::string> &wanted, std::vector<size_t> &columns,
                           std::string &error);

  std::string dir;
  size_t hyperColumns = 0;
  /// What accuracy_per_kj divides by the run's kilojoules: its test_accuracy,
  /// else (a run whose data has no test split) its val_accuracy; -1: none.
  int testAccuracyColumn = -1, validationAccuracyColumn = -1;
  size_t metricCount = 0;
  std::vector<std::string> runsHeaderFields, curvesHeaderFields;
  std::map<uint64_t, uint64_t> hashOfRun; // From the job.
  std::map<uint64_t, uint32_t> groupOfRun;
  std::vector<RunRecord> recovered;
  std::vector<std::string> notes; // recoveryNotes().
  RecoveredCurves points;
  std::map<uint64_t, bool> finishedIds;
  int lockFd = -1, runsFd = -1, curvesFd = -1;
  std::mutex mutex;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_RESULTSSTORE_H
