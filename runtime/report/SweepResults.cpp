//===- SweepResults.cpp - a sweep's result files, read back ---------------===//

#include "runtime/report/SweepResults.h"

#include "runtime/results/CsvText.h"
#include "runtime/results/ResultsStore.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace sweep;

namespace {
/// False (and `error` from errno) when the file cannot be read.
bool readText(const std::string &path, std::string &text, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

/// A number field: empty or not a number is NaN ("nan", "inf" read as such).
double numberField(const std::string &text) {
  if (text.empty())
    return NAN;
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  return end && *end == '\0' ? value : NAN;
}

bool integerField(const std::string &text, int64_t &value) {
  char *end = nullptr;
  long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || !end || *end != '\0')
    return false;
  value = parsed;
  return true;
}

long indexOf(const std::vector<std::string> &header, const std::string &name, size_t from = 0) {
  for (size_t i = from; i < header.size(); ++i)
    if (header[i] == name)
      return long(i);
  return -1;
}

/// The records of a CSV file's text and whether its last line was cut (an
/// interrupted write: resuming rewrites it, the report leaves it out).
void csvRecords(const std::string &text, std::vector<std::string> &records, bool &cut,
                size_t &unreadLines, size_t &firstUnreadLine) {
  size_t consumed = 0;
  records = completeCsvRecords(text, &consumed);
  // What the records leave: a cut last line, or (a quote opened and never
  // closed) every line after the quote. Regression: those rows vanished
  // without a note when the file still ended in a line break.
  cut = consumed < text.size();
  unreadLines = size_t(std::count(text.begin() + long(consumed), text.end(), '\n')) +
                (text.empty() || text.back() == '\n' ? 0 : 1);
  firstUnreadLine = size_t(std::count(text.begin(), text.begin() + long(consumed), '\n')) + 1;
  // Files that went through Windows tools end their lines with \r\n.
  for (std::string &record : records)
    if (!record.empty() && record.back() == '\r')
      record.pop_back();
}

std::string lineError(const std::string &path, size_t line, const std::string &what) {
  return path + ":" + std::to_string(line) + ": " + what;
}
} // namespace

bool sweep::readSweepResults(const std::string &directory, SweepResults &results,
                             std::string &error) {
  SweepFiles files;
  files.directory = directory;
  if (!readText(directory + "/runs.csv", files.runs, error)) {
    error = "no results to report in '" + directory + "': " + error +
            " (give a sweep's directory, <results>/<sweep>)";
    return false;
  }
  files.hasCurves = readText(directory + "/curves.csv", files.curves, files.curvesProblem);
  std::string absent; // A sweep still running has no summary.json: not an error.
  files.hasSummary = readText(directory + "/summary.json", files.summary, absent);
  if (!parseSweepResults(files, results, error))
    return false;
  // An MPI sweep keeps each rank's finished runs in ranks/<rank>/ until its
  // end, or a --resume, merges them: say so, or the page looks empty.
  std::error_code code;
  size_t rankRuns = 0, ranks = 0;
  for (const auto &entry : std::filesystem::directory_iterator(directory + "/ranks", code)) {
    std::string text, ignored;
    if (!readText(entry.path().string() + "/runs.csv", text, ignored))
      continue;
    ++ranks;
    // Records, not lines: a field may hold a line break.
    size_t rows = completeCsvRecords(text).size();
    rankRuns += rows > 0 ? rows - 1 : 0;
  }
  if (rankRuns)
    results.notes.push_back(std::to_string(rankRuns) + " finished runs of an interrupted MPI "
                            "sweep are in ranks/ (" + std::to_string(ranks) +
                            " ranks), not yet merged: `sweepc run FILE --resume` merges them, "
                            "and this page shows only runs.csv's");
  return true;
}

bool sweep::parseSweepResults(const SweepFiles &files, SweepResults &results,
                              std::string &error) {
  const std::string &directory = files.directory;
  results = SweepResults();
  results.directory = directory;
  std::string runsPath = directory + "/runs.csv";
  std::vector<std::string> records;
  bool cut = false;
  size_t unreadLines = 0, firstUnreadLine = 0;
  csvRecords(files.runs, records, cut, unreadLines, firstUnreadLine);
  if (records.empty())
    return error = lineError(runsPath, 1, "no header line"), false;
  std::vector<std::string> header;
  if (!parseCsvRecord(records[0], header))
    return error = lineError(runsPath, 1, "a quote is not closed"), false;

  // run, config_hash, group, the settings..., status, status_epoch,
  // stop_reason, epochs_trained (or `epochs`, ResultsStore.h), the metrics...,
  // seconds[, joules, joules_source, ...].
  long status = indexOf(header, "status_epoch") - 1;
  long stopReason = indexOf(header, "stop_reason", size_t(std::max(0L, status)));
  long epochs = stopReason >= 0 ? stopReason + 1 : status + 2;
  long seconds = indexOf(header, "seconds", size_t(std::max(0L, epochs)));
  if (header.size() < 3 || header[0] != "run" || header[2] != "group" || status < 3 ||
      header[size_t(status)] != "status" || epochs >= long(header.size()) ||
      !ResultsStore::isEpochsTrainedColumn(header[size_t(epochs)]) || seconds < 0)
    return error = lineError(runsPath, 1,
                             "not a runs.csv header (run, config_hash, group, the settings, "
                             "status, status_epoch, stop_reason, epochs_trained, the metrics, "
                             "seconds)"),
           false;
  results.settingNames.assign(header.begin() + 3, header.begin() + status);
  // The metrics end at `device` (runs.csv since 2026-11-30) or `seconds`.
  // Regression: `device` was read as a metric, "–" in every row.
  long device = indexOf(header, "device", size_t(epochs));
  long metricsEnd = device >= 0 && device < seconds ? device : seconds;
  results.metricNames.assign(header.begin() + epochs + 1, header.begin() + metricsEnd);
  long joules = indexOf(header, "joules", size_t(seconds));
  long joulesSource = indexOf(header, "joules_source", size_t(seconds));

  std::vector<std::string> fields;
  std::set<int64_t> seen;
  size_t duplicates = 0;
  for (size_t r = 1; r < records.size(); ++r) {
    size_t line = r + 1;
    if (!parseCsvRecord(records[r], fields))
      return error = lineError(runsPath, line, "a quote is not closed"), false;
    if (fields.size() != header.size())
      return error = lineError(runsPath, line,
                               std::to_string(fields.size()) + " fields, the header has " +
                                   std::to_string(header.size())),
             false;
    ResultRun run;
    int64_t group = 0;
    if (!integerField(fields[0], run.id) || !integerField(fields[2], group) || group < 0 ||
        group > int64_t(UINT32_MAX) ||
        !integerField(fields[size_t(epochs)], run.epochs))
      return error = lineError(runsPath, line, "run, group and epochs must be integers"), false;
    run.group = uint32_t(group);
    run.settings.assign(fields.begin() + 3, fields.begin() + status);
    run.status = fields[size_t(status)];
    if (stopReason >= 0)
      run.stopReason = fields[size_t(stopReason)];
    for (long m = epochs + 1; m < metricsEnd; ++m)
      run.metrics.push_back(numberField(fields[size_t(m)]));
    run.seconds = numberField(fields[size_t(seconds)]);
    run.joules = joules >= 0 ? numberField(fields[size_t(joules)]) : NAN;
    if (joulesSource >= 0)
      run.joulesSource = fields[size_t(joulesSource)];
    // sweepc writes a run once; files concatenated by hand may not.
    if (!seen.insert(run.id).second) {
      duplicates++;
      continue;
    }
    results.runs.push_back(std::move(run));
  }
  if (duplicates)
    results.notes.push_back("runs.csv lists " + std::to_string(duplicates) +
                            " run id(s) more than once: the first row of each is shown");
  if (cut && unreadLines <= 1)
    results.notes.push_back("runs.csv ends in a cut line (an interrupted write), left out");
  else if (cut)
    results.notes.push_back("runs.csv line " + std::to_string(firstUnreadLine) +
                            " opens a quote that is never closed: the " +
                            std::to_string(unreadLines) + " lines from there are left out");

  // curves.csv: run, epoch, the metrics..., seconds. Optional: a report of
  // runs without curves draws no learning curves.
  std::string curvesPath = directory + "/curves.csv";
  std::string problem;
  if (files.hasCurves)
    csvRecords(files.curves, records, cut, unreadLines, firstUnreadLine);
  if (!files.hasCurves) {
    results.notes.push_back("no curves.csv (" + files.curvesProblem + "): no learning curves");
  } else if (!records.empty()) {
    if (!parseCsvRecord(records[0], header) || header.size() < 2 || header[0] != "run" ||
        header[1] != "epoch")
      return error = lineError(curvesPath, 1, "not a curves.csv header (run, epoch, ...)"), false;
    std::vector<long> column; // curves.csv's column of each metric, or -1.
    for (const std::string &name : results.metricNames)
      column.push_back(indexOf(header, name, 2));
    for (size_t r = 1; r < records.size(); ++r) {
      if (!parseCsvRecord(records[r], fields) || fields.size() != header.size())
        return error = lineError(curvesPath, r + 1,
                                 "expected " + std::to_string(header.size()) + " fields"),
               false;
      ResultCurvePoint point;
      if (!integerField(fields[0], point.run) || !integerField(fields[1], point.epoch))
        return error = lineError(curvesPath, r + 1, "run and epoch must be integers"), false;
      for (long c : column)
        point.metrics.push_back(c >= 0 ? numberField(fields[size_t(c)]) : NAN);
      results.curves.push_back(std::move(point));
    }
    if (cut && unreadLines <= 1)
      results.notes.push_back("curves.csv ends in a cut line (an interrupted write), left out");
    else if (cut)
      results.notes.push_back("curves.csv line " + std::to_string(firstUnreadLine) +
                              " opens a quote that is never closed: the " +
                              std::to_string(unreadLines) + " lines from there are left out");
  }

  std::string summaryPath = directory + "/summary.json";
  if (!files.hasSummary) {
    results.notes.push_back("no summary.json (the sweep has not finished): the header shows "
                            "what runs.csv holds");
    return true;
  }
  if (!JsonValue::parse(files.summary, results.summary, problem))
    return error = summaryPath + ": " + problem, false;
  results.hasSummary = true;
  return true;
}
