//===- RunCommand.h - `sweepc run` ------------------------------*- C++ -*-===//

#ifndef SWEEP_TOOLS_SWEEPC_RUNCOMMAND_H
#define SWEEP_TOOLS_SWEEPC_RUNCOMMAND_H

#include "lang/FrontEnd.h"
#include "lib/Pipelines/GpuPipeline.h"
#include "runtime/exec/GroupProgram.h"

#include <memory>

namespace sweep {

/// The backend `sweepc run` would use (--backend, --jobs, --max-memory,
/// --runs-per-program); null after printing an error for an unknown
/// backend. Only a backend that `trains` opens the compile cache
/// (--compile-cache).
std::unique_ptr<Backend> createRunBackend(bool trains = false);

/// The threads `sweepc run` trains on (--jobs, default: every core).
unsigned runThreads();

/// Registers `--threads`, the same as --jobs. libLLVM registers an unlisted option of
/// that name (the ThinLTO code generator's thread count), which would
/// otherwise take `--threads 4` without a word while sweepc trains on every
/// core; call before parsing the command line.
void registerThreadsOption();

/// False, after an error naming it, when a run option that takes a folder,
/// a name or an amount was given empty (`--results=` would have written
/// under /). Warns when --jobs and --threads (one option) are both given.
bool checkRunOptions();

/// --device, --runs-per-program and --sweep as given ("" / 0 when not).
const std::string &deviceOption();
unsigned runsPerProgramOption();
/// --max-memory in bytes (0 when not given; checkRunOptions checked it) and
/// --streams.
uint64_t maxMemoryOption();
unsigned streamsOption();
const std::string &sweepOption();

/// The sweeps of `result` that --sweep chooses (every one without it); false,
/// after an error, when no sweep has that name.
bool selectedSweeps(const FrontEndResult &result, std::vector<const PlannedSweep *> &sweeps);

/// --gpu-products (whether the GPU's products are shared-memory tiles) and
/// --gpu-kernel-modules (one module per group or per kernel) set in
/// `target`; false with `problem` for a value they do not take.
bool applyGpuCodeOptions(GpuTarget &target, std::string &problem);

/// Trains the sweeps of a checked file and writes their results. Returns the
/// process exit status.
int runSweeps(const FrontEndResult &result, llvm::StringRef sourceFile, llvm::StringRef baseDir,
              SourceDiagnostics &diags);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_RUNCOMMAND_H
