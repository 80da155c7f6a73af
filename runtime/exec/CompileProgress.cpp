//===- CompileProgress.cpp - what compiling many groups tells its user ----===//

#include "runtime/exec/CompileProgress.h"

#include <cmath>

using namespace sweep;

CompileProgress::CompileProgress(Progress::Mode mode, std::string sweep, size_t total, FILE *out,
                                 double logSeconds)
    : mode(mode), sweep(std::move(sweep)), total(total), out(out), logSeconds(logSeconds) {
  start = lastPrint = std::chrono::steady_clock::now();
}

void CompileProgress::programReady(size_t cached) {
  std::lock_guard<std::mutex> lock(mutex);
  ++done;
  fromCache = cached;
  // On a terminal the last state is drawn too; a log gets it only when it
  // had lines before (a compile shorter than logSeconds prints nothing).
  print(done == total && (mode == Progress::Mode::Terminal || drawn));
}

void CompileProgress::print(bool force) {
  if (mode == Progress::Mode::Quiet || (handedOver && mode == Progress::Mode::Terminal))
    return;
  auto now = std::chrono::steady_clock::now();
  double sinceLast = std::chrono::duration<double>(now - lastPrint).count();
  double interval = mode == Progress::Mode::Terminal ? 0.1 : logSeconds;
  if (!force && sinceLast < interval)
    return;
  lastPrint = now;
  double elapsed = std::chrono::duration<double>(now - start).count();
  // Cached programs take no time: the ETA counts the compiled ones only.
  size_t compiled = done > fromCache ? done - fromCache : 0;
  double eta = compiled ? elapsed / double(compiled) * double(total - done) : NAN;
  char line[256];
  int length = std::snprintf(line, sizeof line, "[%s] compiled %zu/%zu program%s", sweep.c_str(),
                             done, total, total == 1 ? "" : "s");
  if (fromCache && length > 0 && size_t(length) < sizeof line)
    length += std::snprintf(line + length, sizeof line - size_t(length),
                            " (%zu from the compile cache)", fromCache);
  if (length > 0 && size_t(length) < sizeof line)
    length += std::snprintf(line + length, sizeof line - size_t(length), ", %s elapsed",
                            formatDuration(elapsed).c_str());
  if (done < total && length > 0 && size_t(length) < sizeof line)
    std::snprintf(line + length, sizeof line - size_t(length), ", ETA %s",
                  formatDuration(eta).c_str());
  // Cut to the terminal's width as the training line is. Regression: a
  // wrapped line left a stale row at each redraw.
  if (mode == Progress::Mode::Terminal)
    std::fprintf(out, "\r\033[K%s", fitToColumns(line, terminalColumns(out)).c_str());
  else
    std::fprintf(out, "%s\n", line);
  drawn = true;
  std::fflush(out);
}

size_t CompileProgress::handOverTerminal() {
  std::lock_guard<std::mutex> lock(mutex);
  if (mode == Progress::Mode::Terminal && drawn && !handedOver) {
    std::fprintf(out, "\r\033[K");
    std::fflush(out);
  }
  handedOver = true;
  return done;
}

void CompileProgress::finish() {
  std::lock_guard<std::mutex> lock(mutex);
  if (mode != Progress::Mode::Terminal || !drawn || handedOver)
    return;
  // The line goes: the run's own lines follow, and its summary says what
  // compiling took.
  std::fprintf(out, "\r\033[K");
  std::fflush(out);
}
