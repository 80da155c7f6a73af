//===- Progress.cpp - what a long sweep tells its user --------------------===//

#include "runtime/exec/Progress.h"

#include <cmath>
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

Progress::Mode Progress::detectMode(bool quiet) {
  if (quiet)
    return Mode::Quiet;
  return ::isatty(STDERR_FILENO) ? Mode::Terminal : Mode::Log;
}

Progress::Progress(Mode mode, std::string sweep, size_t totalRuns, size_t finishedRuns,
                   double totalWork, std::string metricName, bool higherIsBetter)
    : mode(mode), sweep(std::move(sweep)), metricName(std::move(metricName)),
      higherIsBetter(higherIsBetter), totalRuns(totalRuns), finishedRuns(finishedRuns),
      totalWork(totalWork) {
  start = lastPrint = std::chrono::steady_clock::now();
  if (mode != Mode::Quiet && finishedRuns)
    std::fprintf(out, "[%s] resuming: %zu of %zu runs already finished\n", this->sweep.c_str(),
                 finishedRuns, totalRuns);
}

void Progress::advance(double work, int64_t epochNow, int64_t epochCount) {
  std::lock_guard<std::mutex> lock(mutex);
  doneWork += work;
  epoch = epochNow;
  epochs = epochCount;
  print(false);
}

void Progress::runFinished(const RunRecord &record, double rankingValue, double skippedWork) {
  std::lock_guard<std::mutex> lock(mutex);
  ++finishedRuns;
  doneWork += skippedWork;
  if (std::isfinite(rankingValue) && record.status != RunStatus::Diverged &&
      (!haveBest || (higherIsBetter ? rankingValue > best : rankingValue < best))) {
    best = rankingValue;
    bestRun = record.id;
    haveBest = true;
  }
  if (record.status == RunStatus::Diverged) {
    ++diverged;
    if (mode == Mode::Log)
      std::fprintf(out, "[%s] run %llu diverged (%s) in epoch %lld\n", sweep.c_str(),
                   (unsigned long long)record.id,
                   record.stopReason == StopReason::LossGrowth ? "loss grew past its divergence factor"
                                                               : "NaN/Inf",
                   (long long)record.statusEpoch);
  }
  pruned += record.stopReason == StopReason::Asha || record.stopReason == StopReason::Median;
  print(finishedRuns == totalRuns);
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
  double elapsed = std::chrono::duration<double>(now - start).count();
  double eta = doneWork > 0 ? elapsed / doneWork * (totalWork - doneWork) : NAN;
  char line[512];
  int length;
  if (finishedRuns == totalRuns)
    length = std::snprintf(line, sizeof line, "[%s] %zu/%zu runs done in %s", sweep.c_str(),
                           finishedRuns.load(), totalRuns, formatDuration(elapsed).c_str());
  else
    length =
        std::snprintf(line, sizeof line,
                      "[%s] %zu/%zu runs, epoch %lld/%lld, %s elapsed, "
                      "ETA %s",
                      sweep.c_str(), finishedRuns.load(), totalRuns, (long long)epoch, (long long)epochs,
                      formatDuration(elapsed).c_str(), formatDuration(eta).c_str());
  if (haveBest && length > 0 && size_t(length) < sizeof line)
    length += std::snprintf(line + length, sizeof line - size_t(length), ", best %s %.4f (r%llu)",
                            metricName.c_str(), best, (unsigned long long)bestRun);
  if (diverged && length > 0 && size_t(length) < sizeof line)
    length += std::snprintf(line + length, sizeof line - size_t(length), ", %zu diverged", diverged);
  if (pruned && length > 0 && size_t(length) < sizeof line)
    std::snprintf(line + length, sizeof line - size_t(length), ", %zu pruned", pruned);
  if (mode == Mode::Terminal) {
    // A line wider than the terminal would wrap, and \r would then redraw only
    // its last part: cut it to the width.
    struct winsize size;
    if (::ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 1 &&
        std::strlen(line) >= size.ws_col)
      line[size.ws_col - 1] = '\0';
    std::fprintf(out, "\r\033[K%s", line);
    drawn = true;
  } else {
    std::fprintf(out, "%s\n", line);
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
