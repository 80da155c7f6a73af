//===- UsableCores.h - the cores this process may run on --------*- C++ -*-===//
//
// What "every core" means for --jobs, the threads that draw initial weights
// and the energy model's idle baseline: the CPUs this process may run on
// (its affinity mask: taskset, a Slurm job's or a container's cpuset), not
// the CPUs the machine has online, which may be many more. Regression: under
// `taskset -c 0` on two cores, sweepc trained two programs at once.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_USABLECORES_H
#define SWEEP_RUNTIME_EXEC_USABLECORES_H

#include <sched.h>

#include <algorithm>
#include <thread>

namespace sweep {

/// The CPUs in this process's affinity mask; the machine's when the mask
/// cannot be read. At least 1.
inline unsigned usableCores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) == 0 && CPU_COUNT(&mask) > 0)
    return unsigned(CPU_COUNT(&mask));
  return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_USABLECORES_H
