//===- SplitAcrossCores.h - a large loop of independent items on all cores ===//
//
// For host work that is large, runs once and is independent per item, such
// as a program's initial weights: a GPU program of 12,500 runs of 784-32-10
// draws 318 million normal values before its first step, seconds on one core
// while the GPU waits. Threads are started for the loop and joined at its
// end; a loop too small to pay for them stays on the caller's thread.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_SPLITACROSSCORES_H
#define SWEEP_RUNTIME_EXEC_SPLITACROSSCORES_H

#include "runtime/exec/UsableCores.h"

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace sweep {

/// Calls body(begin, end) on contiguous ranges that cover [0, count), one per
/// thread, on at most the cores this process may use and on no more than
/// leave each thread `minWorkPerThread` of work (an item being `workPerItem`).
/// The ranges depend only on the thread count, and each item is computed by
/// one call, so a body that writes only its items' results gives the same
/// results however the loop is split.
template <typename Body>
void splitAcrossCores(int64_t count, int64_t workPerItem, int64_t minWorkPerThread, Body &&body) {
  int64_t cores = usableCores();
  int64_t byWork = count * std::max<int64_t>(1, workPerItem) / std::max<int64_t>(1, minWorkPerThread);
  int64_t threads = std::max<int64_t>(1, std::min({cores, byWork, count}));
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < threads; ++t) {
    int64_t begin = count * t / threads, end = count * (t + 1) / threads;
    try {
      pool.emplace_back([&body, begin, end] { body(begin, end); });
    } catch (...) { // No thread to be had: this range on the caller's.
      body(begin, end);
    }
  }
  body(0, count / threads);
  for (std::thread &thread : pool)
    thread.join();
}

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_SPLITACROSSCORES_H
