//===- RunCommand.h - `sweepc run` ------------------------------*- C++ -*-===//

#ifndef SWEEP_TOOLS_SWEEPC_RUNCOMMAND_H
#define SWEEP_TOOLS_SWEEPC_RUNCOMMAND_H

#include "lang/FrontEnd.h"

namespace sweep {

/// Trains the sweeps of a checked file and writes their results. Returns the
/// process exit status.
int runSweeps(const FrontEndResult &result, llvm::StringRef sourceFile, llvm::StringRef baseDir,
              SourceDiagnostics &diags);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_RUNCOMMAND_H
