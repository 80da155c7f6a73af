//===- ProgramMemory.h - what a compiled program's runs occupy ---*- C++ -*-===//
//
// The memory a CompiledProgram needs per run of a group while it trains, on
// the host or a device: the upper bound that sizes programs to a device's
// free memory (the GPU backend) and to `--max-memory` (both backends); the
// lower bound that no backend can train a run in less than, checked against
// the memory there is before a sweep starts; and that memory on this host.
// Also the byte sizes users write and read ("512M", "1.5 GiB").
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_PROGRAMMEMORY_H
#define SWEEP_RUNTIME_EXEC_PROGRAMMEMORY_H

#include "runtime/exec/SweepJob.h"

#include <cstdint>
#include <string>

namespace sweep {

/// Bytes one run of `group` holds in a program (an upper bound): parameters
/// and optimizer state twice (this step's and the next's), the step's
/// gradients, and per layer output its values, gradients and temporaries
/// for one minibatch (four copies, generously).
uint64_t programBytesPerRun(const GroupSpec &group);

/// Bytes one run of `group` needs at the least: its parameters and the
/// optimizer's state (twice where `nextStep`: compiled programs write the
/// next step's beside this step's; the interpreter updates in place), the
/// gradients, and every layer's outputs for one minibatch. A run whose least
/// exceeds the memory where it trains cannot train there; the allocation
/// would fail (or the kernel kill the process) part way through.
uint64_t leastBytesPerRun(const GroupSpec &group, bool nextStep = true);

/// Bytes the datasets of `job` take in host memory once loaded, by the
/// sample counts and widths the planner found (float32 features, and an
/// int32 class or float32 targets per sample): every dataset of a sweep is
/// loaded before it trains, outside what programs hold and --max-memory caps.
uint64_t datasetBytes(const SweepJob &job);

/// The memory there is for programs, and where that figure comes from.
struct MemoryLimit {
  uint64_t bytes = 0; ///< 0: unknown.
  std::string source; ///< "this machine's memory", "the cgroup's memory.max", ...
};

/// This host's: the least of the machine's memory (MemTotal in
/// <root>/proc/meminfo) and the limit of the process's control group
/// (cgroup v2 memory.max, v1 memory.limit_in_bytes under <root>/sys/fs/cgroup),
/// since a container or a Slurm job is killed at its limit. `root` is "/"
/// except in tests.
MemoryLimit hostMemoryLimit(const std::string &root = "/");

/// "1.5 GiB", "320.0 KiB", "12.0 TiB".
std::string formatBytes(uint64_t bytes);

/// A size as users write it: a number of bytes with an optional suffix K,
/// M, G or T (powers of 1024; "KiB", "MB" and lower case accepted alike).
/// False with `error` when it is not one, or 0.
bool parseByteSize(const std::string &text, uint64_t &bytes, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_PROGRAMMEMORY_H
