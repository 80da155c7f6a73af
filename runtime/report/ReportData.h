//===- ReportData.h - the numbers behind each plot of report.html -*- C++ -*-===//
//
// Everything report.html shows, computed from a sweep's result files before
// any drawing: the header facts, the leaderboard, and each plot's points.
// Large sweeps are reduced here, by rules that keep the picture honest and
// the file small (docs/results.md, "report.html"):
//  - scatter plots and parallel coordinates draw at most kMaxPoints and
//    kMaxLines runs, chosen evenly spaced in rank (the best and the worst
//    always among them), so the drawn runs have the metric's distribution;
//  - learning curves draw every run up to kMaxCurves; beyond, the per-epoch
//    10th/50th/90th percentiles of all runs plus kSampledCurves runs evenly
//    spaced in rank; the best kHighlighted runs are always drawn strongly;
//  - a curve of more than kMaxEpochPoints epochs keeps that many, evenly
//    spaced, the last included (and so do the percentile bands);
//  - the Pareto front is computed over every run, not the sample (at most
//    kMaxFrontPoints of it are drawn, evenly spaced along it);
//  - a setting of words labels at most kMaxCategoryLabels of its values;
//  - groups beyond kMaxGroups are summed into one "other groups" bar.
// `sweepc report --data` prints this as text, for golden tests.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_REPORT_REPORTDATA_H
#define SWEEP_RUNTIME_REPORT_REPORTDATA_H

#include "runtime/report/SweepResults.h"

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace sweep {

constexpr size_t kMaxPoints = 2000;
constexpr size_t kMaxLines = 1000;
constexpr size_t kMaxCurves = 200;
constexpr size_t kSampledCurves = 60;
constexpr size_t kHighlighted = 5;
constexpr size_t kLeaderboardRows = 50;
constexpr size_t kMaxGroups = 40;
constexpr size_t kMaxParameterPlots = 8;
constexpr size_t kMaxEpochPoints = 200;
constexpr size_t kMaxFrontPoints = 500;    // Pareto front points drawn (all in the data).
constexpr size_t kMaxCategoryLabels = 12; // Labels on a parallel axis of words.
/// A setting of more words than this (a label per run) gets no plot of its own.
constexpr size_t kMaxScatterCategories = 30;
/// Where a run without a value of a setting sits on a parallel axis (below it).
constexpr double kMissingPosition = -0.12;

struct ReportHeader {
  std::string sweep, source, started, finished, host, device, backend;
  size_t runs = 0;
  std::vector<std::pair<std::string, size_t>> byStatus; // ok, diverged, stopped.
  double wallSeconds = 0; // NaN without summary.json.
  double runSeconds = 0;  // The runs' seconds, summed.
  double joules = 0;      // NaN when not metered.
  /// The joules of every run's row; `joules` is the last invocation's total,
  /// which leaves out what the invocations before a resume used.
  double runsJoules = NAN;
  size_t resumedRuns = 0; ///< Runs the last invocation found finished.
  std::string joulesSource; // measured:rapl, estimated:model, ... ("" unmetered).
  bool joulesMeasured = false;
  std::vector<std::string> notes;
};

/// A hyperparameter whose value differs between runs.
struct ReportParameter {
  std::string name;
  size_t column = 0; // Into ResultRun::settings.
  bool numeric = false;
  bool logScale = false;             // summary.json's log_scale (logspace, loguniform).
  std::vector<std::string> categories; // Non-numeric: the values, in first-seen order.
  double lo = 0, hi = 0;             // Numeric: the range of the runs that have a value.
  /// Numeric, and some runs have no value (an empty field: a setting of an
  /// alternative the run did not take, as optimizer.momentum for adam).
  bool missing = false;
};

/// A setting of words with more of them than a plot against it has columns
/// (kMaxScatterCategories): parallel coordinates draw it, no scatter does.
inline bool tooManyWordsForScatter(const ReportParameter &parameter) {
  return !parameter.numeric && parameter.categories.size() > kMaxScatterCategories;
}

struct LeaderboardRow {
  size_t rank = 0; // 1-based.
  const ResultRun *run = nullptr;
  /// Its trained weights, "weights/r<id>.npz" relative to the sweep's folder
  /// (summary.json's `weights`, --save-weights); "" when not kept.
  std::string weightsFile;
};

struct CurveLine {
  int64_t run = 0;
  bool highlighted = false;
  std::vector<std::pair<int64_t, double>> points; // (epoch, value).
};

struct CurveBand {
  int64_t epoch = 0;
  size_t runs = 0;
  double p10 = 0, median = 0, p90 = 0;
};

struct CurvePanel {
  std::string metric;
  size_t metricIndex = 0;
  std::vector<CurveLine> lines; // Faint first, highlighted last (drawn on top).
  std::vector<CurveBand> bands; // Empty when every run is drawn.
  size_t runsWithCurves = 0;
};

struct ScatterPoint {
  double x = 0, y = 0;
  int64_t run = 0;
};

struct ScatterPanel {
  std::string xName, yName;
  bool logX = false, logY = false;
  /// A setting of words (sgd, adam): x is the index of the run's value here.
  std::vector<std::string> categories;
  std::vector<ScatterPoint> points; // Best run last (drawn on top).
  size_t runs = 0;                  // Runs with both values (drawn or not).
};

struct ParetoPanel {
  std::string metric; // The y axis: an accuracy where there is one.
  bool higherIsBetter = true;
  bool logJoules = false;
  std::vector<ScatterPoint> points; // x: joules.
  std::vector<ScatterPoint> front;  // Every run on the front, by increasing joules.
  size_t runs = 0;
};

struct ParallelLine {
  int64_t run = 0;
  std::vector<double> positions; // Per axis, 0 (bottom) to 1 (top).
  double metric = 0;
  double colour = 0; // 0 (worst drawn) to 1 (best).
};

struct ParallelPanel {
  std::vector<ReportParameter> axes; // The parameters, then the metric (last).
  double metricLo = 0, metricHi = 0;
  std::vector<ParallelLine> lines; // Worst first, best last (on top).
  size_t runs = 0;
};

struct GroupBar {
  std::string label; // "group 3" and what sets it apart: "model.width=64".
  size_t runs = 0;
  double seconds = 0;
  double joules = NAN; // NaN: no run of the group has joules.
};

struct ReportData {
  ReportHeader header;
  std::string rankedBy;
  size_t rankedColumn = 0; // Into the metric columns.
  bool higherIsBetter = true;
  bool hasRanking = false;
  std::vector<std::string> metricNames;
  std::vector<std::string> settingNames;
  std::vector<ReportParameter> parameters; // The varying ones.
  std::vector<LeaderboardRow> leaderboard;
  size_t rankedRuns = 0;
  /// The sweep ran with --save-weights=N (summary.json's `weights` is not
  /// null): N, and how many files it lists.
  bool savedWeights = false;
  size_t weightsBest = 0, weightsFiles = 0;
  std::vector<CurvePanel> curves;
  std::vector<ScatterPanel> byParameter;
  ParetoPanel pareto;
  bool hasPareto = false;
  ParallelPanel parallel;
  std::vector<GroupBar> groups;
  size_t groupCount = 0;
};

/// Computes everything the report shows. `results` must outlive the data
/// (rows point into it).
ReportData buildReportData(const SweepResults &results);

/// The data as text, one line per fact, point or row: golden tests of the
/// numbers behind each plot (`sweepc report DIR --data`).
void printReportData(std::ostream &os, const ReportData &data);

/// Indices 0..count-1 of `size` items evenly spaced, first and last included
/// (all of them when size <= count).
std::vector<size_t> evenlySpaced(size_t size, size_t count);

} // namespace sweep

#endif // SWEEP_RUNTIME_REPORT_REPORTDATA_H
