//===- CacheBudget.h - what stays in cache from one step to the next -*- C++ -*-===//
//
// One model of the caches, shared by the planner and the kernels so that they
// cannot disagree: `sweepc plan` (codegen/cpu/RunChunks.h) sizes a chunk of
// runs so that its resident bytes fit kCacheMultiple x the core's L2, and the
// optimizer step (OptimizerStep.h) streams its new tensors past the caches
// only when they exceed that same budget. When the step streamed everything
// over a fixed 2 MiB, the chunks the planner had sized to stay in cache were
// written to memory every step and read back at the next (docs/performance.md,
// "Streaming only what the planner does not keep in cache").
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_KERNELS_CACHEBUDGET_H
#define SWEEP_RUNTIME_KERNELS_CACHEBUDGET_H

#include <cstdint>

namespace sweep {

/// The budget in multiples of the core's L2. Measured on the 2-core machine,
/// 2 MiB of L2 per core (codegen/cpu/RunChunks.h has the measurements): the L2
/// and the nearest part of the shared L3 keep a chunk's tensors between the
/// phases and steps of its training.
constexpr uint64_t kCacheMultiple = 4;

/// The core's L2 in bytes, and whether it was read from the machine (else a
/// 1 MiB assumption, said so in `sweepc plan`).
struct CacheSize {
  uint64_t bytes = 0;
  bool measured = false;
};

/// Reads /sys/devices/system/cpu/cpu0/cache (the level-2 data or unified
/// cache); 1 MiB, not measured, when it cannot.
CacheSize coreL2Size();

/// kCacheMultiple x `l2`.
inline uint64_t cacheBudgetBytes(CacheSize l2) { return kCacheMultiple * l2.bytes; }

/// This machine's budget, read once.
uint64_t thisCoreCacheBudget();

} // namespace sweep

#endif // SWEEP_RUNTIME_KERNELS_CACHEBUDGET_H
