//===- Progress.cpp - what a long sweep tells its user --------------------===//

#include "runtime/exec/Progress.h"

#include "runtime/results/Utf8.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include <sys/ioctl.h>
#include <unistd.h>

using namespace sweep;

std::string sweep::formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0)
    return "?";
  long s = long(seconds + 0.5);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  return buffer;
}

std::string sweep::fitToColumns(const std::string &line, size_t columns) {
  if (columns < 2)
    return line;
  const char *p = line.data(), *end = p + line.size();
  for (size_t shown = 0; p < end; ++shown) {
    if (shown == columns - 1)
      return std::string(line.data(), p);
    size_t length = utf8CharacterLength(p, end);
    p += length ? length : 1;
  }
  return line;
}

size_t sweep::terminalColumns(FILE *out) {
  struct winsize size;
  return ::ioctl(fileno(out), TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

Progress::Mode Progress::modeFor(bool quiet, bool isTerminal, const char *term) {
  if (quiet)
    return Mode::Quiet;
  // Regression: TERM=dumb (an editor's shell) got \r and \033[K redraws.
  bool redraws = isTerminal && !(term && std::strcmp(term, "dumb") == 0);
  return redraws ? Mode::Terminal : Mode::Log;
}

Progress::Mode Progress::detectMode(bool quiet) {
  return modeFor(quiet, ::isatty(STDERR_FILENO), std::getenv("TERM"));
}

Progress::Progress(Mode mode, std::string sweep, size_t totalRuns, size_t finishedRuns,
                   double totalWork, std::string metricName, bool higherIsBetter, FILE *out)
    : mode(mode), sweep(std::move(sweep)), metricName(std::move(metricName)),
      higherIsBetter(higherIsBetter), totalRuns(totalRuns), finishedRuns(finishedRuns),
      totalWork(totalWork), out(out) {
  start = lastPrint = std::chrono::steady_clock::now();
  if (mode != Mode::Quiet && finishedRuns)
    std::fprintf(out, "[%s] resuming: %zu of %zu runs already finished\n", this->sweep.c_str(),
                 finishedRuns, totalRuns);
}

void Progress::advance(double work, size_t program, int64_t epoch, int64_t epochs) {
  std::lock_guard<std::mutex> lock(mutex);
  doneWork += work;
  programEpochs[program] = {epoch, epochs};
  print(false);
}

void Progress::programEnded(size_t program) {
  std::lock_guard<std::mutex> lock(mutex);
  programEpochs.erase(program);
}

void Progress::runStopped(uint64_t id, StopReason reason, int64_t epoch) {
  std::lock_guard<std::mutex> lock(mutex);
  if (counted.insert(id).second)
    countStop(id, reason, epoch);
}

void Progress::countStop(uint64_t id, StopReason reason, int64_t epoch, bool log) {
  if (statusOf(reason) == RunStatus::Diverged) {
    ++diverged;
    if (mode == Mode::Log && log)
      std::fprintf(out, "[%s] run %llu diverged (%s) in epoch %lld\n", sweep.c_str(),
                   (unsigned long long)id,
                   reason == StopReason::LossGrowth ? "loss grew past its divergence factor"
                                                    : "NaN/Inf",
                   (long long)epoch);
  }
  pruned += reason == StopReason::Asha || reason == StopReason::Median;
}

std::string Progress::epochText() const {
  if (programEpochs.empty())
    return "";
  std::pair<int64_t, int64_t> low = programEpochs.begin()->second, high = low;
  bool sameLength = true;
  for (const auto &[program, at] : programEpochs) {
    sameLength &= at.second == low.second;
    if (at.first * high.second > high.first * at.second) // By the share done.
      high = at;
    if (at.first * low.second < low.first * at.second)
      low = at;
  }
  auto text = [](std::pair<int64_t, int64_t> at) {
    return std::to_string(at.first) + "/" + std::to_string(at.second);
  };
  if (low == high)
    return "epoch " + text(low);
  if (sameLength)
    return "epochs " + std::to_string(low.first) + "-" + text(high);
  return "epochs " + text(low) + " to " + text(high);
}

void Progress::runFinished(const RunRecord &record, double rankingValue, double skippedWork) {
  std::lock_guard<std::mutex> lock(mutex);
  ++finishedRuns;
  doneWork += skippedWork;
  considerBest(record, rankingValue);
  if (counted.erase(record.id) == 0)
    countStop(record.id, record.stopReason, record.statusEpoch);
  print(finishedRuns == totalRuns);
}

void Progress::runResumed(const RunRecord &record, double rankingValue) {
  std::lock_guard<std::mutex> lock(mutex);
  considerBest(record, rankingValue);
  countStop(record.id, record.stopReason, record.statusEpoch, /*log=*/false);
}

void Progress::considerBest(const RunRecord &record, double rankingValue) {
  // Ties go to the lower run id, as in the leaderboard (rankRuns), whatever
  // order the programs finish in. Regression: the line named r7, summary.json r3.
  bool better = !haveBest || (higherIsBetter ? rankingValue > best : rankingValue < best) ||
                (rankingValue == best && record.id < bestRun);
  if (std::isfinite(rankingValue) && record.status != RunStatus::Diverged && better) {
    best = rankingValue;
    bestRun = record.id;
    haveBest = true;
  }
}

std::string Progress::lineLocked(std::chrono::steady_clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - start).count();
  double eta = doneWork > 0 ? elapsed / doneWork * (totalWork - doneWork) : NAN;
  char line[512];
  int length;
  if (finishedRuns == totalRuns)
    length = std::snprintf(line, sizeof line, "[%s] %zu/%zu runs done in %s", sweep.c_str(),
                           finishedRuns.load(), totalRuns, formatDuration(elapsed).c_str());
  else {
    std::string epochs = epochText();
    length = std::snprintf(line, sizeof line, "[%s] %zu/%zu runs, %s%s%s elapsed, ETA %s",
                           sweep.c_str(), finishedRuns.load(), totalRuns, epochs.c_str(),
                           epochs.empty() ? "" : ", ", formatDuration(elapsed).c_str(),
                           formatDuration(eta).c_str());
  }
  if (haveBest && length > 0 && size_t(length) < sizeof line)
    length += std::snprintf(line + length, sizeof line - size_t(length), ", best %s %s (r%llu)",
                            metricName.c_str(), fixedOrSignificant(best, 4).c_str(),
                            (unsigned long long)bestRun);
  if (diverged && length > 0 && size_t(length) < sizeof line)
    length += std::snprintf(line + length, sizeof line - size_t(length), ", %zu diverged", diverged);
  if (pruned && length > 0 && size_t(length) < sizeof line)
    std::snprintf(line + length, sizeof line - size_t(length), ", %zu pruned", pruned);
  return line;
}

std::string Progress::line() {
  std::lock_guard<std::mutex> lock(mutex);
  return lineLocked(std::chrono::steady_clock::now());
}

void Progress::print(bool force) {
  if (mode == Mode::Quiet)
    return;
  auto now = std::chrono::steady_clock::now();
  double sinceLast = std::chrono::duration<double>(now - lastPrint).count();
  double interval = mode == Mode::Terminal ? 0.1 : 5.0;
  if (!force && sinceLast < interval)
    return;
  lastPrint = now;
  std::string line = lineLocked(now);
  if (mode == Mode::Terminal) {
    // The last line stays on the screen, whole (it may wrap: nothing redraws
    // it). Regression: it was cut to the width, and lost the best run.
    if (finishedRuns != totalRuns)
      line = fitToColumns(line, terminalColumns(out));
    std::fprintf(out, "\r\033[K%s", line.c_str());
    drawn = true;
  } else {
    std::fprintf(out, "%s\n", line.c_str());
  }
  std::fflush(out);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex);
  if (mode != Mode::Terminal || !drawn)
    return; // Log mode printed the last run already; nothing to end.
  if (finishedRuns != totalRuns)
    print(true);
  std::fprintf(out, "\n");
  std::fflush(out);
}
