//===- SweepResults.cpp - a sweep's result files, read back ---------------===//

#include "runtime/report/SweepResults.h"

#include "runtime/results/CsvRecords.h"
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

/// The note for what `reader` left unread at its end, if anything: a cut
/// last line (an interrupted write: resuming rewrites it, the report leaves
/// it out), or every line after a quote opened and never closed.
/// Regression: those rows vanished without a note when the file still ended
/// in a line break.
void noteLeftover(const CsvRecordReader &reader, const std::string &file,
                  std::vector<std::string> &notes) {
  if (reader.cut() && reader.unreadLines() <= 1)
    notes.push_back(file + " ends in a cut line (an interrupted write), left out");
  else if (reader.cut())
    notes.push_back(file + " line " + std::to_string(reader.firstUnreadLine()) +
                    " opens a quote that is never closed: the " +
                    std::to_string(reader.unreadLines()) + " lines from there are left out");
}

std::string lineError(const std::string &path, size_t line, const std::string &what) {
  return path + ":" + std::to_string(line) + ": " + what;
}

/// runs.csv: run, config_hash, group, the settings..., status, status_epoch,
/// stop_reason, epochs_trained (or `epochs`, ResultsStore.h), the metrics...,
/// [device,] seconds[, joules, joules_source, ...].
bool parseRuns(const std::string &directory, std::istream &in, SweepResults &results,
               std::string &error) {
  std::string runsPath = directory + "/runs.csv";
  CsvRecordReader reader(in);
  std::string record;
  std::vector<std::string> header;
  if (!reader.next(record))
    return error = reader.failed() ? runsPath + ": a read error"
                                   : lineError(runsPath, 1, "no header line"),
           false;
  if (!parseCsvRecord(record, header))
    return error = lineError(runsPath, 1, "a quote is not closed"), false;
  dropByteOrderMark(header);

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
  while (reader.next(record)) {
    size_t line = reader.line();
    if (!parseCsvRecord(record, fields))
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
  if (reader.failed())
    return error = runsPath + ": a read error after line " + std::to_string(reader.line()),
           false;
  if (duplicates)
    results.notes.push_back("runs.csv lists " + std::to_string(duplicates) +
                            " run id(s) more than once: the first row of each is shown");
  noteLeftover(reader, "runs.csv", results.notes);
  return true;
}

/// curves.csv: run, epoch, the metrics..., seconds. Read a block at a time
/// into columns: its text can be gigabytes.
bool parseCurves(const std::string &directory, std::istream &in, SweepResults &results,
                 std::string &error) {
  std::string curvesPath = directory + "/curves.csv";
  CsvRecordReader reader(in);
  std::string record;
  std::vector<std::string> header, fields;
  ResultCurves &curves = results.curves;
  curves.width = results.metricNames.size();
  if (!reader.next(record)) {
    if (reader.failed())
      return error = curvesPath + ": a read error", false;
    noteLeftover(reader, "curves.csv", results.notes);
    return true;
  }
  bool parsed = parseCsvRecord(record, header);
  dropByteOrderMark(header);
  if (!parsed || header.size() < 2 || header[0] != "run" || header[1] != "epoch")
    return error = lineError(curvesPath, 1, "not a curves.csv header (run, epoch, ...)"), false;
  std::vector<long> column; // curves.csv's column of each metric, or -1.
  for (const std::string &name : results.metricNames)
    column.push_back(indexOf(header, name, 2));
  while (reader.next(record)) {
    int64_t run = 0, epoch = 0;
    if (!parseCsvRecord(record, fields) || fields.size() != header.size())
      return error = lineError(curvesPath, reader.line(),
                               "expected " + std::to_string(header.size()) + " fields"),
             false;
    if (!integerField(fields[0], run) || !integerField(fields[1], epoch))
      return error = lineError(curvesPath, reader.line(), "run and epoch must be integers"),
             false;
    curves.runs.push_back(run);
    curves.epochs.push_back(epoch);
    for (long c : column)
      curves.metrics.push_back(c >= 0 ? numberField(fields[size_t(c)]) : NAN);
  }
  if (reader.failed())
    return error = curvesPath + ": a read error after line " + std::to_string(reader.line()),
           false;
  noteLeftover(reader, "curves.csv", results.notes);
  return true;
}

/// summary.json, when there is one: a sweep still running has none yet.
bool parseSummary(const std::string &directory, bool hasSummary, const std::string &text,
                  SweepResults &results, std::string &error) {
  if (!hasSummary) {
    results.notes.push_back("no summary.json (the sweep has not finished): the header shows "
                            "what runs.csv holds");
    return true;
  }
  std::string problem;
  if (!JsonValue::parse(text, results.summary, problem))
    return error = directory + "/summary.json: " + problem, false;
  results.hasSummary = true;
  return true;
}
} // namespace

bool sweep::readSweepResults(const std::string &directory, SweepResults &results,
                             std::string &error) {
  results = SweepResults();
  results.directory = directory;
  std::ifstream runs(directory + "/runs.csv", std::ios::binary);
  if (!runs) {
    error = "no results to report in '" + directory + "': " + directory +
            "/runs.csv: " + std::strerror(errno) +
            " (give a sweep's directory, <results>/<sweep>)";
    return false;
  }
  if (!parseRuns(directory, runs, results, error))
    return false;
  // Optional: a report of runs without curves draws no learning curves.
  std::ifstream curves(directory + "/curves.csv", std::ios::binary);
  if (!curves)
    results.notes.push_back("no curves.csv (" + directory + "/curves.csv: " +
                            std::strerror(errno) + "): no learning curves");
  else if (!parseCurves(directory, curves, results, error))
    return false;
  std::string summary, absent;
  bool hasSummary = readText(directory + "/summary.json", summary, absent);
  if (!parseSummary(directory, hasSummary, summary, results, error))
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
  results = SweepResults();
  results.directory = files.directory;
  std::istringstream runs(files.runs);
  if (!parseRuns(files.directory, runs, results, error))
    return false;
  std::istringstream curves(files.curves);
  if (!files.hasCurves)
    results.notes.push_back("no curves.csv (" + files.curvesProblem + "): no learning curves");
  else if (!parseCurves(files.directory, curves, results, error))
    return false;
  return parseSummary(files.directory, files.hasSummary, files.summary, results, error);
}
