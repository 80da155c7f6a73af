//===- MemoryFit.h - whether a sweep fits in the memory there is -*- C++ -*-===//
//
// Before a sweep trains, what it will hold at the least must fit: its data,
// loaded into host memory first, and the programs training at once, each run
// at Backend::leastBytesPerRun. A sweep that does not fit would fail part
// way, on an allocation too large or killed by the kernel, so `sweepc run`,
// built executables and `sweepc plan` check it first.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_MEMORYFIT_H
#define SWEEP_RUNTIME_DRIVER_MEMORYFIT_H

#include "runtime/exec/GroupProgram.h"
#include "runtime/exec/SweepJob.h"

#include <string>

namespace sweep {

/// Why the programs of `job` that may train at once on the host
/// (`programsAtOnce` of them: --jobs), each holding at least its runs'
/// Backend::leastBytesPerRun, cannot fit beside the data in the host's
/// memory (hostMemoryLimit); "" when they can. Regression: two one-run
/// programs of 430 MB were started under a 700 MB cgroup and killed by the
/// kernel with no message.
/// `ranksHere`: the MPI ranks on this machine, each held to an equal part.
std::string programsAtOnceProblem(const SweepJob &job, const Backend &backend,
                                  size_t programsAtOnce, int ranksHere = 1);

/// `host` (hostMemoryLimit) split equally among the `ranksHere` MPI ranks on
/// this machine: each loads the data and trains its programs beside the
/// others'. Regression: each rank checked the whole memory, as if alone.
MemoryLimit shareOfHostMemory(MemoryLimit host, int ranksHere);

/// Why `job` cannot train in the memory there is: its data, a run of some
/// group against `backend`'s memoryLimit, or the `threads` programs at once;
/// "" when it can.
std::string memoryProblem(const SweepJob &job, Backend &backend, unsigned threads,
                          int ranksHere);

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_MEMORYFIT_H
