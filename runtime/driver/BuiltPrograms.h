//===- BuiltPrograms.h - what `sweepc build` links into an executable -*- C++ -*-===//
//
// `sweepc build` compiles every group program a sweep needs ahead of time and
// generates a small C++ file that defines the symbols below: the table of
// programs (device, groupCodeKey, the two entry points adapted to the packed
// calling convention, the phase table) and the sweep jobs (packJobs). The
// standalone main (StandaloneMain.cpp) finds its code and its sweeps there.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_BUILTPROGRAMS_H
#define SWEEP_RUNTIME_DRIVER_BUILTPROGRAMS_H

#include <cstddef>

extern "C" {
struct SweepBuiltProgram {
  const char *device; ///< "cpu" or "cuda".
  const char *key;    ///< groupCodeKey(group, runs).
  void (*trainStep)(void **packedArgs);
  void (*evaluate)(void **packedArgs);
  /// The phase table, one "function phase flops bytes" line per probe
  /// (hexadecimal floats).
  const char *phases;
  int countsCalls; ///< 1 for code without probe calls (GPU).
  int sumsRows;    ///< 1 for code that sums its loss rows (GPU).
};
extern const SweepBuiltProgram sweep_built_programs[];
extern const size_t sweep_built_program_count;
/// packJobs of the file's sweeps, between these two symbols.
extern const char sweep_built_jobs[];
extern const char sweep_built_jobs_end[];
/// How the executable was built, for --version: "sweepc 0.1, FILE, ...".
extern const char sweep_built_description[];
/// The chip the GPU programs were compiled for ("sm_90"; "" without any):
/// an older GPU cannot run them.
extern const char sweep_built_gpu_chip[];
}

#endif // SWEEP_RUNTIME_DRIVER_BUILTPROGRAMS_H
