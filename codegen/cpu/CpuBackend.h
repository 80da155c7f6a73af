//===- CpuBackend.h - `--backend=cpu`: fused, JIT-compiled groups -*- C++ -*-===//
//
// Every run of a group trains in one compiled program (runsPerProgram is the
// group's size): one wide call per minibatch instead of one per run. Initial
// weights and dropout masks come from the same functions as the interpreter's
// (runtime/rng/TrainingDraws.h), so the two start bit-identical.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_CPUBACKEND_H
#define SWEEP_CODEGEN_CPU_CPUBACKEND_H

#include "runtime/exec/GroupProgram.h"

namespace sweep {

/// The compiled CPU backend. Each group is split into `chunksPerGroup` chunks
/// of nearly equal run counts (one per thread, so that a sweep of one group
/// still uses every core); `maxRunsPerProgram` (0: no limit) caps a chunk.
std::unique_ptr<Backend> createCpuBackend(size_t chunksPerGroup = 1, size_t maxRunsPerProgram = 0,
                                          bool energyProbes = true);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_CPUBACKEND_H
