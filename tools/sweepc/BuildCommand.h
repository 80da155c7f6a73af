//===- BuildCommand.h - `sweepc build` --------------------------*- C++ -*-===//

#ifndef SWEEP_TOOLS_SWEEPC_BUILDCOMMAND_H
#define SWEEP_TOOLS_SWEEPC_BUILDCOMMAND_H

#include "lang/FrontEnd.h"

namespace sweep {

/// Compiles every group program the sweeps of `result` need, for the CPU
/// and/or the GPU (`gpuChip`), and links them with the runtime and the
/// sweeps into one executable at `executable`. Returns the exit status.
int buildExecutable(const FrontEndResult &result, llvm::StringRef sourceFile,
                    llvm::StringRef baseDir, SourceDiagnostics &diags,
                    const std::string &executable, const std::string &gpuChip);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_BUILDCOMMAND_H
