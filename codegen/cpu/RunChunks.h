//===- RunChunks.h - how many runs one compiled program trains --*- C++ -*-===//
//
// The CPU backend's schedule choice, per group:
//
//   layer-major: all of a thread's runs in one program. Each layer is one
//     product over every run, but with many runs what a step touches is far
//     larger than the caches: a first layer's weights (64 runs x 784 x 128
//     floats, 25.7 MB) and the [R, batch, width] activations go to memory
//     and come back between the phases of every step.
//   run-major: the runs in chunks, each chunk trained to the end before the
//     next starts. A chunk's weights, optimizer state and activations stay
//     in the caches from phase to phase; the minibatch is gathered and its
//     products' packing of it is done once per chunk and step, not once per
//     step, so chunks must not be too small either.
//
// The model: a run's resident bytes are its parameters, the optimizer state
// its step reads (none for SGD without momentum: the step skips the buffer)
// and its activations and their gradients for one minibatch. A chunk holds
// the largest power of two of runs whose resident bytes fit a budget of
// kCacheMultiple x the core's L2 (read from sysfs; runtime/kernels/CacheBudget.h,
// the model the optimizer step's streaming stores follow too). The multiple comes from
// measurements on the 2-core machine, 2 MiB of L2 per core (docs/performance.md,
// "What changed"): 64 runs of 784-128-10 on one thread trained faster in
// chunks of 4 and 8 runs (2.7 and 5.4 MB resident) than in one program
// (medians 20.0 against 21.7 s, 18.8 against 19.6 s), no faster in chunks of
// 2, slower in chunks of 1 (each chunk gathers and packs the minibatch
// again). Powers of two keep a sweep to one or two chunk sizes: each size
// costs a compilation (0.5-0.9 s).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_RUNCHUNKS_H
#define SWEEP_CODEGEN_CPU_RUNCHUNKS_H

#include "runtime/exec/ProgramMemory.h"
#include "runtime/exec/SweepJob.h"
#include "runtime/kernels/CacheBudget.h"

#include <cstdint>
#include <string>

namespace sweep {

/// One group's choice.
struct RunChunking {
  size_t runsPerProgram = 1; ///< Runs in each program (the last may hold fewer).
  bool runMajor = false;     ///< False: the thread's share of the group is one program.
  uint64_t runBytes = 0;     ///< One run's resident bytes.
  uint64_t budgetBytes = 0;  ///< What a chunk's resident bytes must fit.
  bool cacheMeasured = false;
  bool forced = false; ///< Set by --runs-per-program.
  uint64_t programMemory = 0; ///< The most a program may hold (--max-memory), 0: no cap.
  bool memoryCapped = false;  ///< The cap, not the cache, chose runsPerProgram.
  uint64_t programRunBytes = 0; ///< programBytesPerRun, where there is a cap.
};

/// The resident bytes of one run of `group` (runs of `job`).
uint64_t residentBytesPerRun(const SweepJob &job, const GroupSpec &group);

/// Chooses the runs per program of `group` when its runs are shared among
/// `threadShares` threads: the thread's share as one program (layer-major)
/// when its resident bytes fit the budget, else the largest power-of-two
/// chunk that fits (at least one run). `forcedRuns` (not 0) overrides it.
RunChunking chooseRunChunking(const SweepJob &job, const GroupSpec &group, size_t threadShares,
                              CacheSize l2, size_t forcedRuns = 0, uint64_t programMemory = 0);

/// The cache's choice alone (what chooseRunChunking caps by `programMemory`:
/// a program never holds more runs than programBytesPerRun fits in it).
RunChunking chooseForCache(const SweepJob &job, const GroupSpec &group, size_t threadShares,
                           CacheSize l2, size_t forcedRuns = 0);

/// One line for `sweepc plan`: "schedule: run-major, 8 runs per program
/// (...)" or "schedule: layer-major, ...".
std::string describeRunChunking(const RunChunking &choice, size_t groupRuns);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_RUNCHUNKS_H
