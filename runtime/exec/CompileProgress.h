//===- CompileProgress.h - what compiling many groups tells its user -*- C++ -*-===//
//
// Compiling comes before training and can take minutes (a sweep of many
// groups, or any sweep for the GPU: seconds a group). Like Progress.h: on a
// terminal one line is redrawn in place and cleared when compiling ends;
// otherwise a plain line at most every few seconds, so that a short compile
// prints nothing; --quiet prints nothing. When training starts before
// compiling ends (the GPU), training's line takes over the terminal. Thread-safe: the groups compile on
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
  /// Training starts while compiling goes on (on the GPU, sweepc trains the
  /// first groups while the others compile): the terminal line is cleared
  /// and not drawn again, since training's own line takes its place; a log
  /// keeps its lines. Returns how many programs are ready.
  size_t handOverTerminal();

private:
  void print(bool force);

  Progress::Mode mode;
  std::string sweep;
  size_t total, done = 0, fromCache = 0;
  FILE *out;
  double logSeconds;
  std::chrono::steady_clock::time_point start, lastPrint;
  bool drawn = false;
  bool handedOver = false; ///< The terminal belongs to training's progress.

  std::mutex mutex;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COMPILEPROGRESS_H
