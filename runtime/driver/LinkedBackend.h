//===- LinkedBackend.h - group programs compiled ahead of time --*- C++ -*-===//
//
// The backend of a `sweepc build` executable: no compiler, only the programs
// linked in (BuiltPrograms.h), looked up by group structure and run count.
// A chunk of fewer runs than any program holds (a resumed sweep's leftovers)
// trains in the smallest program that fits, padded with copies of its last
// run that train masked and whose results are dropped.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_LINKEDBACKEND_H
#define SWEEP_RUNTIME_DRIVER_LINKEDBACKEND_H

#include "runtime/driver/BuiltPrograms.h"
#include "runtime/exec/CompiledProgram.h"

#include <memory>
#include <string>

namespace sweep {

/// The programs of `table` built for `device`, with buffers in `space`;
/// `programsAtOnce` of them train side by side (--streams on the GPU), which
/// the memory free in `space` must hold.
std::unique_ptr<Backend> createLinkedBackend(const SweepBuiltProgram *table, size_t count,
                                             const std::string &device, BufferSpace &space,
                                             unsigned programsAtOnce = 1);

/// Whether `table` holds any program for `device`.
bool hasLinkedPrograms(const SweepBuiltProgram *table, size_t count, const std::string &device);

/// The phase table text of BuiltPrograms.h, and back.
std::string writePhaseText(const std::vector<PhaseCost> &table);
std::vector<PhaseCost> readPhaseText(const char *text);

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_LINKEDBACKEND_H
