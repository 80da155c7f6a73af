//===- ProgramMemory.h - what a compiled program's runs occupy ---*- C++ -*-===//
//
// The memory a CompiledProgram needs per run of a group while it trains, on
// the host or a device: the upper bound that sizes programs to a device's
// free memory (the GPU backend) and to `--max-memory` (both backends).
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

/// "1.5 GiB", "320.0 KiB".
std::string formatBytes(uint64_t bytes);

/// A size as users write it: a number of bytes with an optional suffix K,
/// M, G or T (powers of 1024; "KiB", "MB" and lower case accepted alike).
/// False with `error` when it is not one, or 0.
bool parseByteSize(const std::string &text, uint64_t &bytes, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_PROGRAMMEMORY_H
