//===- ResultsStore.cpp - crash-safe results of one sweep -----------------===//

#include "runtime/results/ResultsStore.h"

#include "runtime/results/CsvRecords.h"
#include "runtime/results/CsvText.h"
#include "runtime/results/WeightKeeper.h"

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <unordered_map>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace sweep;
namespace fs = std::filesystem;

static std::string hex64(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", (unsigned long long)value);
  return buffer;
}

static bool writeAll(int fd, const std::string &text, const std::string &path, std::string &error) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote <= 0) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
    done += size_t(wrote);
  }
  return true;
}

/// Appends `text` to the file open for appending at `fd`, or nothing: a write
/// that fails partway (a full disk, a file size limit) is cut back to where the
/// file ended. Rows half written would otherwise stay: a program's first rows
/// taken for finished by a resume, a cut curve row glued to the next one.
static bool appendAll(int fd, const std::string &text, const std::string &path,
                      std::string &error) {
  struct stat before;
  if (::fstat(fd, &before) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (writeAll(fd, text, path, error))
    return true;
  int saved = errno;
  if (::ftruncate(fd, before.st_size) != 0)
    error += "; and cannot cut it back to its " + std::to_string(before.st_size) +
             " bytes: " + std::strerror(errno);
  errno = saved;
  return false;
}

namespace {
/// A file written beside `path` and renamed over it by commit(), so that
/// readers and crashes see the old file or the new one, never a mix. Text is
/// written a block at a time: rewriting a curves.csv of millions of rows
/// never holds it.
class ReplacementFile {
public:
  explicit ReplacementFile(const std::string &path) : path(path), temporary(path + ".tmp") {}
  ~ReplacementFile() {
    if (fd >= 0) {
      ::close(fd);
      std::remove(temporary.c_str());
    }
  }

  bool open(std::string &error) {
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      error = "cannot write '" + temporary + "': " + std::strerror(errno);
    return fd >= 0;
  }
  bool append(const std::string &text, std::string &error) {
    pending += text;
    return pending.size() < (1 << 20) || flush(error);
  }
  bool commit(std::string &error) {
    if (!flush(error))
      return false;
    bool ok = ::fsync(fd) == 0;
    if (!ok)
      error = "cannot write '" + temporary + "': " + std::strerror(errno);
    ::close(fd);
    fd = -1;
    if (ok && std::rename(temporary.c_str(), path.c_str()) != 0) {
      error = "cannot replace '" + path + "': " + std::strerror(errno);
      ok = false;
    }
    if (!ok)
      std::remove(temporary.c_str());
    return ok;
  }

private:
  bool flush(std::string &error) {
    bool ok = writeAll(fd, pending, temporary, error);
    pending.clear();
    return ok;
  }

  std::string path, temporary, pending;
  int fd = -1;
};
} // namespace

/// Writes `text` to `path` through a temporary file and a rename.
static bool replaceFile(const std::string &path, const std::string &text, std::string &error) {
  ReplacementFile file(path);
  return file.open(error) && file.append(text, error) && file.commit(error);
}

std::vector<std::string> ResultsStore::runsHeader(const SweepJob &job,
                                                  const std::vector<MetricColumn> &metrics) {
  std::vector<std::string> header = {"run", "config_hash", "group"};
  header.insert(header.end(), job.columns.begin(), job.columns.end());
  for (const char *name : {"status", "status_epoch", "stop_reason", kEpochsTrainedColumn})
    header.push_back(name);
  for (const MetricColumn &metric : metrics)
    header.push_back(metric.name);
  for (const char *name : {"device", "seconds", "joules", "joules_source", "accuracy_per_kj"})
    header.push_back(name);
  return header;
}

int ResultsStore::metricColumn(const std::vector<MetricColumn> &metrics, const char *name) {
  for (size_t m = 0; m < metrics.size(); ++m)
    if (metrics[m].name == name)
      return int(m);
  return -1;
}

std::vector<std::string> ResultsStore::curvesHeader(const std::vector<MetricColumn> &metrics) {
  std::vector<std::string> header = {"run", "epoch"};
  for (const MetricColumn &metric : metrics)
    header.push_back(metric.name);
  header.push_back("seconds");
  return header;
}

namespace {
/// Why a fresh start may not write `dir`: it holds results already.
std::string existingResultsProblem(const std::string &dir) {
  std::error_code code;
  if (!std::filesystem::exists(dir + "/runs.csv", code))
    return "";
  return "'" + dir +
         "' already holds results; pass --resume to finish that sweep or --overwrite to "
         "start over";
}
} // namespace

bool ResultsStore::holdsFinishedRuns(const std::string &dir) {
  std::error_code code;
  std::vector<std::string> files = {dir + "/runs.csv"};
  for (const fs::directory_entry &rank : fs::directory_iterator(dir + "/ranks", code))
    files.push_back(rank.path().string() + "/runs.csv");
  for (const std::string &file : files) {
    // A header and one complete row: no need to read on.
    std::ifstream in(file, std::ios::binary);
    CsvRecordReader reader(in);
    std::string record;
    if (in && reader.next(record) && reader.next(record))
      return true;
  }
  return false;
}

std::string ResultsStore::freshProblem(const std::string &dir) {
  std::string problem = existingResultsProblem(dir);
  if (problem.empty())
    return "";
  // A sweepc writing there now holds the lock: --resume would not help yet.
  int lock = ::open((dir + "/.lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (lock >= 0) {
    bool busy = ::flock(lock, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(lock);
    if (busy)
      return "another sweepc is writing '" + dir + "'";
  }
  return problem;
}

std::unique_ptr<ResultsStore> ResultsStore::open(const std::string &dir, const SweepJob &job,
                                                 const std::vector<MetricColumn> &metrics,
                                                 Mode mode, std::string &error) {
  std::unique_ptr<ResultsStore> store(new ResultsStore());
  store->dir = dir;
  store->hyperColumns = job.columns.size();
  store->metricCount = metrics.size();
  store->points.width = metrics.size();
  store->testAccuracyColumn = metricColumn(metrics, "test_accuracy");
  store->validationAccuracyColumn = metricColumn(metrics, "val_accuracy");
  store->runsHeaderFields = runsHeader(job, metrics);
  store->curvesHeaderFields = curvesHeader(metrics);
  for (const RunSpec &run : job.runs) {
    store->hashOfRun[run.id] = run.configHash;
    store->groupOfRun[run.id] = run.group;
  }

  std::error_code code;
  if (mode == Mode::ReadOnly) {
    if (fs::exists(dir + "/runs.csv", code) && !store->recover(job, /*rewrite=*/false, error))
      return nullptr;
    return store;
  }
  fs::create_directories(dir, code);
  if (code || !fs::is_directory(dir, code)) {
    error = "cannot create the results directory '" + dir +
            "': " + (code ? code.message() : "it is not a directory");
    // Regression: a link to a folder that is gone said only "File exists".
    for (fs::path at = dir; !at.empty() && at != at.parent_path(); at = at.parent_path()) {
      std::error_code ignored;
      if (fs::is_symlink(at, ignored) && !fs::exists(at, ignored)) {
        error += " ('" + at.string() + "' is a symbolic link to '" +
                 fs::read_symlink(at, ignored).string() + "', which does not exist)";
        break;
      }
    }
    return nullptr;
  }
  std::string lockPath = dir + "/.lock";
  store->lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // flock needs no write permission: a lock file another user made (a
  // shared results folder) is opened to read. Regression: "cannot write to
  // the results directory", though it was writable.
  int openError = errno;
  if (store->lockFd < 0 && (openError == EACCES || openError == EPERM) &&
      fs::exists(lockPath, code)) {
    store->lockFd = ::open(lockPath.c_str(), O_RDONLY | O_CLOEXEC);
    openError = errno;
  }
  errno = openError;
  struct stat lockStat;
  if ((store->lockFd < 0 && errno == EISDIR) ||
      (store->lockFd >= 0 && ::fstat(store->lockFd, &lockStat) == 0 &&
       !S_ISREG(lockStat.st_mode))) {
    error = "'" + lockPath + "', sweepc's lock file, is not a file; remove it";
    return nullptr;
  }
  if (store->lockFd < 0) {
    error = "cannot open the lock file '" + lockPath + "' of the results directory: " +
            std::strerror(errno);
    return nullptr;
  }
  if (::flock(store->lockFd, LOCK_EX | LOCK_NB) != 0) {
    // EWOULDBLOCK: another process holds it. Anything else (NFS wants a lock
    // file open for writing) is said as what it is.
    error = errno == EWOULDBLOCK ? "another sweepc is writing '" + dir + "'"
                                 : "cannot lock '" + lockPath + "': " + std::strerror(errno) +
                                       " (a lock file another user made, on a network file "
                                       "system, needs write permission)";
    return nullptr;
  }

  std::string runsPath = dir + "/runs.csv", curvesPath = dir + "/curves.csv";
  bool haveResults = fs::exists(runsPath, code);
  if (haveResults && mode == Mode::Fresh) {
    error = existingResultsProblem(dir); // The lock is this store's own.
    return nullptr;
  }
  if (haveResults && mode == Mode::Resume) {
    if (!store->recover(job, /*rewrite=*/true, error))
      return nullptr;
    // This invocation writes them anew at its end; until then the old ones
    // would describe runs.csv wrongly. Regression: a resume killed midway left
    // a summary.json counting 4 runs beside 5 rows.
    std::remove((dir + "/summary.json").c_str());
    std::remove((dir + "/report.html").c_str());
  } else {
    // What describes the earlier runs goes first: a kill after runs.csv was
    // replaced left the old summary, report and weights beside the new runs
    // (a resume then reported the old model's weights as theirs).
    std::remove((dir + "/summary.json").c_str());
    std::remove((dir + "/report.html").c_str());
    // Earlier runs' weights (--save-weights) are earlier results too.
    WeightKeeper::discardAll(dir + "/weights");
    // runs.csv first: a kill between the two replacements must not leave old
    // finished runs whose curves are gone (resume drops orphaned curve rows).
    if (!replaceFile(runsPath, csvRecord(store->runsHeaderFields), error) ||
        !replaceFile(curvesPath, csvRecord(store->curvesHeaderFields), error))
      return nullptr;
  }
  store->runsFd = ::open(runsPath.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  store->curvesFd = ::open(curvesPath.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (store->runsFd < 0 || store->curvesFd < 0) {
    error = "cannot append to the results in '" + dir + "': " + std::strerror(errno);
    return nullptr;
  }
  return store;
}

ResultsStore::~ResultsStore() {
  for (int fd : {runsFd, curvesFd, lockFd})
    if (fd >= 0)
      ::close(fd);
}

bool ResultsStore::parseRunRow(const SweepJob &job, const std::vector<std::string> &fields,
                               RunRecord &record, std::string &error) const {
  if (fields.size() != runsHeaderFields.size()) {
    error = "has " + std::to_string(fields.size()) + " fields instead of " +
            std::to_string(runsHeaderFields.size());
    return false;
  }
  char *end = nullptr;
  record.id = std::strtoull(fields[0].c_str(), &end, 10);
  if (fields[0].empty() || *end) {
    error = "has run id '" + fields[0] + "'";
    return false;
  }
  auto known = hashOfRun.find(record.id);
  if (known == hashOfRun.end()) {
    error = "has run " + fields[0] + ", which the sweep does not have";
    return false;
  }
  if (fields[1] != hex64(known->second)) {
    error = "has run " + fields[0] + " with config hash " + fields[1] +
            ", but that run of the "
            "sweep now has config hash " +
            hex64(known->second) + " (the sweep was edited)";
    return false;
  }
  record.configHash = known->second;
  record.group = groupOfRun.at(record.id);
  size_t at = 3;
  record.columnValues.assign(fields.begin() + at, fields.begin() + at + hyperColumns);
  at += hyperColumns;
  if (!parseStatus(fields[at], record.status)) {
    error = "has status '" + fields[at] + "'";
    return false;
  }
  record.statusEpoch = std::strtoll(fields[at + 1].c_str(), nullptr, 10);
  if (!parseStopReason(fields[at + 2], record.stopReason) ||
      statusOf(record.stopReason) != record.status) {
    error = "has stop reason '" + fields[at + 2] + "' with status '" + fields[at] + "'";
    return false;
  }
  record.epochs = std::strtoll(fields[at + 3].c_str(), nullptr, 10);
  at += 4;
  record.metrics.clear();
  for (size_t m = 0; m < metricCount; ++m)
    record.metrics.push_back(fields[at + m].empty() ? NAN
                                                    : std::strtod(fields[at + m].c_str(), nullptr));
  at += metricCount;
  record.device = fields[at++];
  if (record.device != "cpu" && record.device != "cuda") {
    error = "has run " + fields[0] + " with device '" + record.device + "' (cpu or cuda)";
    return false;
  }
  record.seconds = std::strtod(fields[at].c_str(), nullptr);
  record.joules = fields[at + 1].empty() ? NAN : std::strtod(fields[at + 1].c_str(), nullptr);
  record.joulesSource = fields[at + 2];
  (void)job;
  return true;
}

/// `fields` of a file's row in this sweep's column order (`columns`: where
/// each of this sweep's columns is in the file).
static std::vector<std::string> inColumnOrder(const std::vector<std::string> &fields,
                                              const std::vector<size_t> &columns) {
  std::vector<std::string> ordered;
  for (size_t c : columns)
    ordered.push_back(fields[c]);
  return ordered;
}

bool ResultsStore::readRunRows(const std::string &from, const SweepJob &job,
                               std::vector<RunRecord> &runs, std::vector<std::string> &runRows,
                               std::string &error) {
  std::string runsPath = from + "/runs.csv";
  std::ifstream in(runsPath, std::ios::binary);
  if (!in) {
    error = "cannot read '" + runsPath + "': " + std::strerror(errno);
    return false;
  }
  CsvRecordReader reader(in);
  std::string record;
  std::vector<std::string> fields;
  // Results of an older sweepc name the epochs-trained column as the setting
  // (kLegacyEpochsTrainedColumn); they are read as they are and rewritten.
  std::vector<std::string> legacyHeader = runsHeaderFields;
  *std::find(legacyHeader.begin(), legacyHeader.end(), kEpochsTrainedColumn) =
      kLegacyEpochsTrainedColumn;
  std::vector<size_t> runColumns;
  if (!reader.next(record) || !parseCsvRecord(record, fields)) {
    error = "'" + runsPath + "' has no header row; use another output directory or --overwrite";
    return false;
  }
  dropByteOrderMark(fields);
  if (fields == legacyHeader) {
    for (size_t c = 0; c < fields.size(); ++c)
      runColumns.push_back(c);
  } else if (!matchColumns(runsPath, fields, runsHeaderFields, runColumns, error)) {
    return false;
  }
  std::set<uint64_t> seen;
  while (reader.next(record)) {
    RunRecord run;
    std::string problem;
    bool valid = parseCsvRecord(record, fields);
    if (valid && fields.size() != runColumns.size()) {
      problem = "has " + std::to_string(fields.size()) + " fields instead of " +
                std::to_string(runColumns.size());
      valid = false;
    }
    // Rows are kept in this sweep's column order (rewritten when the file's differs).
    if (valid)
      fields = inColumnOrder(fields, runColumns);
    if (!valid || !parseRunRow(job, fields, run, problem)) {
      error = "'" + runsPath + "' line " + std::to_string(reader.line()) + " " +
              (problem.empty() ? "is not valid CSV" : problem) +
              "; use another output directory or --overwrite";
      return false;
    }
    if (!seen.insert(run.id).second)
      continue; // Never count a run twice.
    // The run's group in this sweep: an edit elsewhere (a `where` removing
    // fewer runs) may renumber the groups. Regression: kept rows said group 1
    // where summary.json said 2.
    fields[2] = std::to_string(run.group);
    std::string row = csvRecord(fields);
    row.pop_back(); // Its "\n".
    runRows.push_back(std::move(row));
    runs.push_back(std::move(run));
  }
  if (reader.failed()) {
    error = "cannot read '" + runsPath + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsStore::forEachCurveRow(
    const std::string &from,
    const std::function<bool(std::vector<std::string> &fields, std::string &error)> &row,
    std::string &error) const {
  std::string curvesPath = from + "/curves.csv";
  std::error_code code;
  if (!fs::exists(curvesPath, code))
    return true; // No curves: every run without its rows trains again.
  std::ifstream in(curvesPath, std::ios::binary);
  if (!in) {
    error = "cannot read '" + curvesPath + "': " + std::strerror(errno);
    return false;
  }
  CsvRecordReader reader(in);
  std::string record;
  std::vector<std::string> fields;
  std::vector<size_t> curveColumns;
  if (!reader.next(record) || !parseCsvRecord(record, fields))
    return !reader.failed() || (error = "cannot read '" + curvesPath + "'", false);
  dropByteOrderMark(fields);
  if (!matchColumns(curvesPath, fields, curvesHeaderFields, curveColumns, error))
    return false;
  while (reader.next(record)) {
    // A damaged row is left out: its run lacks a curve row and trains again.
    if (!parseCsvRecord(record, fields) || fields.size() != curveColumns.size())
      continue;
    fields = inColumnOrder(fields, curveColumns);
    if (!row(fields, error))
      return false;
  }
  if (reader.failed()) {
    error = "cannot read '" + curvesPath + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsStore::matchColumns(const std::string &path, const std::vector<std::string> &header,
                                const std::vector<std::string> &wanted,
                                std::vector<size_t> &columns, std::string &error) {
  // By name, so that a sweep whose settings were written in another order (the
  // same runs, the same config hashes) still resumes.
  columns.clear();
  for (const std::string &name : wanted) {
    auto at = std::find(header.begin(), header.end(), name);
    if (at == header.end() || std::count(header.begin(), header.end(), name) != 1) {
      error = "'" + path + "' " +
              (at == header.end() ? "has no column '" + name + "', which this sweep writes"
                                  : "names column '" + name + "' more than once") +
              " (a setting or a reported metric added since, or results of another sweep or "
              "another sweepc); use another output directory or --overwrite";
      return false;
    }
    columns.push_back(size_t(at - header.begin()));
  }
  for (const std::string &name : header)
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) {
      error = "'" + path + "' has a column '" + name +
              "' that this sweep does not write (a setting or a reported metric removed "
              "since, or results of another sweep or another sweepc); use another output "
              "directory or --overwrite";
      return false;
    }
  return true;
}

void ResultsStore::RecoveredCurves::add(const std::vector<std::string> &fields) {
  runs.push_back(std::strtoull(fields[0].c_str(), nullptr, 10));
  epochs.push_back(std::strtoll(fields[1].c_str(), nullptr, 10));
  for (size_t m = 0; m < width; ++m)
    metrics.push_back(fields[2 + m].empty() ? NAN : std::strtod(fields[2 + m].c_str(), nullptr));
}

void ResultsStore::RecoveredCurves::append(const RecoveredCurves &other) {
  runs.insert(runs.end(), other.runs.begin(), other.runs.end());
  epochs.insert(epochs.end(), other.epochs.begin(), other.epochs.end());
  metrics.insert(metrics.end(), other.metrics.begin(), other.metrics.end());
}

bool ResultsStore::recover(const SweepJob &job, bool rewrite, std::string &error) {
  std::vector<RunRecord> runs;
  std::vector<std::string> runRows;
  if (!readRunRows(dir, job, runs, runRows, error))
    return false;
  std::unordered_map<uint64_t, size_t> indexOfRun;
  for (size_t i = 0; i < runs.size(); ++i)
    indexOfRun[runs[i].id] = i;
  auto runIndex = [&](const std::vector<std::string> &fields) -> long {
    auto it = indexOfRun.find(std::strtoull(fields[0].c_str(), nullptr, 10));
    return it == indexOfRun.end() ? -1 : long(it->second);
  };
  // A run's curve rows are all written before its runs.csv row, so a run
  // without exactly one row for each of epochs 1..N lost some (curves.csv
  // removed or edited): it trains again rather than stay a run without
  // curves. Read once for the epochs each run has, once to keep the rows.
  std::vector<std::pair<size_t, int64_t>> epochsOfRuns;
  if (!forEachCurveRow(dir,
                       [&](std::vector<std::string> &fields, std::string &) {
                         if (long i = runIndex(fields); i >= 0)
                           epochsOfRuns.push_back(
                               {size_t(i), std::strtoll(fields[1].c_str(), nullptr, 10)});
                         return true;
                       },
                       error))
    return false;
  std::sort(epochsOfRuns.begin(), epochsOfRuns.end());
  std::vector<char> whole(runs.size());
  for (size_t i = 0, at = 0; i < runs.size(); ++i) {
    int64_t expected = 1;
    for (; at < epochsOfRuns.size() && epochsOfRuns[at].first == i; ++at)
      expected = epochsOfRuns[at].second == expected ? expected + 1 : INT64_MIN;
    whole[i] = expected == runs[i].epochs + 1;
  }
  epochsOfRuns = {};
  size_t withoutCurves = size_t(std::count(whole.begin(), whole.end(), 0));

  ReplacementFile keptCurves(dir + "/curves.csv");
  if (rewrite && !(keptCurves.open(error) && keptCurves.append(csvRecord(curvesHeaderFields), error)))
    return false;
  if (!forEachCurveRow(dir,
                       [&](std::vector<std::string> &fields, std::string &problem) {
                         long i = runIndex(fields);
                         if (i < 0 || !whole[size_t(i)])
                           return true;
                         points.add(fields);
                         return !rewrite || keptCurves.append(csvRecord(fields), problem);
                       },
                       error))
    return false;
  std::string keptRuns = csvRecord(runsHeaderFields);
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!whole[i])
      continue;
    finishedIds[runs[i].id] = true;
    keptRuns += runRows[i] + "\n";
    recovered.push_back(std::move(runs[i]));
  }
  if (withoutCurves)
    notes.push_back("'" + dir + "/curves.csv' lacks or repeats curve rows of " +
                    std::to_string(withoutCurves) + " finished run" +
                    (withoutCurves == 1 ? "" : "s") + ", which train again");
  if (!rewrite)
    return true;
  // curves.csv first: a crash between the two replacements leaves runs.csv as
  // it was, and the next resume filters the same way again.
  return keptCurves.commit(error) && replaceFile(dir + "/runs.csv", keptRuns, error);
}

bool ResultsStore::absorb(const std::string &otherDir, const SweepJob &job, std::string &error) {
  std::error_code code;
  if (!std::filesystem::exists(otherDir + "/runs.csv", code))
    return true;
  std::vector<RunRecord> runs;
  std::vector<std::string> runRows;
  if (!readRunRows(otherDir, job, runs, runRows, error))
    return false;
  std::unordered_map<uint64_t, bool> absorbed;
  for (const RunRecord &run : runs)
    if (!isFinished(run.id))
      absorbed[run.id] = true;
  // Every absorbed run's curve rows, then their runs.csv rows: a crash in
  // between leaves curve rows without their run, which a resume drops.
  std::lock_guard<std::mutex> lock(mutex);
  std::string curves;
  if (!forEachCurveRow(otherDir,
                       [&](std::vector<std::string> &fields, std::string &problem) {
                         if (!absorbed.count(std::strtoull(fields[0].c_str(), nullptr, 10)))
                           return true;
                         points.add(fields);
                         curves += csvRecord(fields);
                         if (curves.size() < (1 << 20))
                           return true;
                         bool ok = appendAll(curvesFd, curves, dir + "/curves.csv", problem);
                         curves.clear();
                         return ok;
                       },
                       error) ||
      !appendAll(curvesFd, curves, dir + "/curves.csv", error))
    return false;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!absorbed.count(runs[i].id))
      continue;
    if (!appendAll(runsFd, runRows[i] + "\n", dir + "/runs.csv", error))
      return false;
    finishedIds[runs[i].id] = true;
    recovered.push_back(std::move(runs[i]));
  }
  return true;
}

void ResultsStore::adoptFinished(const ResultsStore &other) {
  for (const RunRecord &record : other.recovered)
    if (!finishedIds.count(record.id)) {
      finishedIds[record.id] = true;
      recovered.push_back(record);
    }
  points.append(other.points);
}

std::string ResultsStore::curveRow(uint64_t runId, int64_t epoch, const MetricValues &metrics,
                                   double seconds) const {
  std::vector<std::string> fields = {std::to_string(runId), std::to_string(epoch)};
  for (double value : metrics)
    fields.push_back(std::isnan(value) ? "" : csvNumber(value));
  fields.push_back(csvNumber(seconds));
  return csvRecord(fields);
}

bool ResultsStore::appendCurves(const std::string &rows, std::string &error) {
  std::lock_guard<std::mutex> lock(mutex);
  return appendAll(curvesFd, rows, dir + "/curves.csv", error);
}

bool ResultsStore::dropUnfinishedCurves(std::string &error) {
  std::lock_guard<std::mutex> lock(mutex);
  std::string path = dir + "/curves.csv";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read '" + path + "': " + std::strerror(errno);
    return false;
  }
  ReplacementFile kept(path);
  if (!kept.open(error))
    return false;
  CsvRecordReader reader(in);
  std::string record;
  std::vector<std::string> fields;
  for (bool header = true; reader.next(record); header = false)
    if (header || (parseCsvRecord(record, fields) && !fields.empty() &&
                   finishedIds.count(std::strtoull(fields[0].c_str(), nullptr, 10))))
      if (!kept.append(record + "\n", error))
        return false;
  if (reader.failed()) {
    error = "cannot read '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (!kept.commit(error))
    return false;
  // The file was replaced: append to the new one.
  ::close(curvesFd);
  curvesFd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (curvesFd < 0) {
    error = "cannot append to '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsStore::appendRun(const RunRecord &record, std::string &error) {
  return appendRuns({record}, error);
}

bool ResultsStore::appendRuns(const std::vector<RunRecord> &records, std::string &error) {
  std::string rows;
  for (const RunRecord &record : records)
    rows += runRow(record);
  std::lock_guard<std::mutex> lock(mutex);
  if (!appendAll(runsFd, rows, dir + "/runs.csv", error))
    return false;
  for (const RunRecord &record : records)
    finishedIds[record.id] = true;
  return true;
}

std::string ResultsStore::runRow(const RunRecord &record) const {
  std::vector<std::string> fields = {std::to_string(record.id), hex64(record.configHash),
                                     std::to_string(record.group)};
  fields.insert(fields.end(), record.columnValues.begin(), record.columnValues.end());
  fields.push_back(statusName(record.status));
  fields.push_back(std::to_string(record.statusEpoch));
  fields.push_back(stopReasonName(record.stopReason));
  fields.push_back(std::to_string(record.epochs));
  for (double value : record.metrics)
    fields.push_back(std::isnan(value) ? "" : csvNumber(value));
  fields.push_back(record.device);
  fields.push_back(csvNumber(record.seconds));
  bool metered = !std::isnan(record.joules);
  fields.push_back(metered ? csvNumber(record.joules) : "");
  fields.push_back(metered ? record.joulesSource : "");
  // Per run: a sweep over two datasets, one without a test split, has both
  // columns. Regression: such runs had no accuracy_per_kj.
  double accuracy = NAN;
  for (int column : {testAccuracyColumn, validationAccuracyColumn})
    if (column >= 0 && std::isnan(accuracy))
      accuracy = record.metrics[size_t(column)];
  fields.push_back(metered && record.joules > 0 && !std::isnan(accuracy)
                       ? csvNumber(accuracy / (record.joules / 1000.0))
                       : "");
  return csvRecord(fields);
}

bool ResultsStore::writeSummary(const std::string &json, std::string &error) {
  std::lock_guard<std::mutex> lock(mutex);
  return replaceFile(dir + "/summary.json", json, error);
}
