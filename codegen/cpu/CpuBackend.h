//===- CpuBackend.h - `--backend=cpu`: fused, JIT-compiled groups -*- C++ -*-===//
//
// The runs of a group train together in compiled programs: one wide call per
// minibatch for all of a program's runs instead of one per run. How many runs
// a program holds is the run-major / layer-major choice of RunChunks.h. Initial
// weights and dropout masks come from the same functions as the interpreter's
// (runtime/rng/TrainingDraws.h), so the two start bit-identical.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_CPUBACKEND_H
#define SWEEP_CODEGEN_CPU_CPUBACKEND_H

#include "codegen/cpu/CompileCache.h"
#include "lib/Pipelines/CpuPipeline.h"
#include "runtime/exec/GroupProgram.h"

#include <memory>

namespace sweep {

/// The compiled CPU backend for `threads` threads training at once. A sweep
/// of fewer groups than threads shares each group among threads / groups of
/// them (so that a sweep of one group still uses every core), and each share
/// trains in programs of the runs RunChunks.h chooses, or of `runsPerProgram`
/// runs when it is not 0.
/// `loops` chooses the compiled code's loops (CpuPipeline.h): the GPU's loop
/// nests are for the differential tests, not for speed. `programMemory` (not
/// 0) caps the runs of a program to what fits in it (--max-memory). With a
/// `compileCache` programs are loaded from it when it has their code, and
/// stored in it when it does not (CompileCache.h).
std::unique_ptr<Backend> createCpuBackend(size_t threads = 1, size_t runsPerProgram = 0,
                                          bool energyProbes = true,
                                          CpuLoops loops = CpuLoops::KernelCalls,
                                          uint64_t programMemory = 0,
                                          std::shared_ptr<CompileCache> compileCache = nullptr);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_CPUBACKEND_H
