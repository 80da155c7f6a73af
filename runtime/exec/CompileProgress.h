//===- CompileProgress.h - what compiling many groups tells its user -*- C++ -*-===//
//
// Compiling comes before training and can take minutes (a sweep of many
// groups, or any sweep for the GPU: seconds a group). Like Progress.h: on a
// terminal one line is redrawn in place and cleared when compiling ends;
// otherwise a plain line at most every few seconds, so that a short compile
// prints nothing; --quiet prints nothing. Thread-safe: the groups compile on
// several threads.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_COMPILEPROGRESS_H
#define SWEEP_RUNTIME_EXEC_COMPILEPROGRESS_H

#include "runtime/exec/Progress.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace sweep {

class CompileProgress {
public:
  /// `total` programs to make; a Log line at most every `logSeconds`.
  CompileProgress(Progress::Mode mode, std::string sweep, size_t total, FILE *out = stderr,
                  double logSeconds = 5.0);

  /// One more program is ready; `fromCache` of all so far came from the
  /// compile cache.
  void programReady(size_t fromCache);
  /// Clears the terminal line.
  void finish();

private:
  void print(bool force);

  Progress::Mode mode;
  std::string sweep;
  size_t total, done = 0, fromCache = 0;
  FILE *out;
  double logSeconds;
  std::chrono::steady_clock::time_point start, lastPrint;
  bool drawn = false;
  std::mutex mutex;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COMPILEPROGRESS_H
