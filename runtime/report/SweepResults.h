//===- SweepResults.h - a sweep's result files, read back --------*- C++ -*-===//
//
// What the report is built from: runs.csv, curves.csv and summary.json of one
// sweep's directory (docs/results.md), read as a user's script would, so that
// `sweepc report DIR` rebuilds report.html for any finished, merged, resumed
// or interrupted sweep. summary.json is optional (an interrupted sweep has
// none yet); runs.csv is not.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_REPORT_SWEEPRESULTS_H
#define SWEEP_RUNTIME_REPORT_SWEEPRESULTS_H

#include "runtime/exec/ColumnValues.h"
#include "runtime/report/JsonValue.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

/// One row of runs.csv.
struct ResultRun {
  int64_t id = 0;
  uint32_t group = 0;
  // SweepResults::settingNames order; each distinct text kept once (100,000
  // runs of 20 settings: 8 bytes a value, not a string's 32).
  ColumnValues settings;
  std::string status;                // ok, diverged, stopped.
  std::string stopReason;
  int64_t epochs = 0;
  std::vector<double> metrics; // SweepResults::metricNames order; NaN where empty.
  double seconds = 0;
  double joules = 0; // NaN when not metered.
  std::string joulesSource;
};

/// curves.csv's rows, column by column: a report of 100,000 runs' curves
/// holds 16 bytes and its metrics per row, not the row's text and fields.
/// Row i is run `runs[i]`'s epoch `epochs[i]`; its metrics, in
/// SweepResults::metricNames order (NaN where empty or not in the file), are
/// metric(i, 0..width-1).
struct ResultCurves {
  std::vector<int64_t> runs, epochs;
  std::vector<double> metrics; // Row-major, `width` per row.
  size_t width = 0;

  size_t size() const { return runs.size(); }
  bool empty() const { return runs.empty(); }
  double metric(size_t row, size_t m) const { return metrics[row * width + m]; }
};

struct SweepResults {
  std::string directory;
  std::vector<std::string> settingNames; // runs.csv's hyperparameter columns.
  std::vector<std::string> metricNames;  // train_loss, val_accuracy, ...
  std::vector<ResultRun> runs;           // As runs.csv lists them.
  ResultCurves curves;
  bool hasSummary = false;
  JsonValue summary;
  /// What was left out, for the report to say (a cut last line of an
  /// interrupted write, a missing summary.json).
  std::vector<std::string> notes;
};

/// Reads `directory` (a sweep's: <results>/<sweep>). False with `error`
/// ("DIR/runs.csv:LINE: ...") when runs.csv is missing or malformed.
bool readSweepResults(const std::string &directory, SweepResults &results, std::string &error);

/// The files' text, as read (a fuzzer hands them in without a disk).
struct SweepFiles {
  std::string directory; // For messages, and the sweep's name without summary.json.
  std::string runs;
  bool hasCurves = false, hasSummary = false;
  std::string curves, curvesProblem; // curvesProblem: why there is none.
  std::string summary;
};

/// readSweepResults on text already read.
bool parseSweepResults(const SweepFiles &files, SweepResults &results, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_REPORT_SWEEPRESULTS_H
