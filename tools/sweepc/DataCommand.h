//===- DataCommand.h - `sweepc data` ----------------------------*- C++ -*-===//

#ifndef SWEEP_TOOLS_SWEEPC_DATACOMMAND_H
#define SWEEP_TOOLS_SWEEPC_DATACOMMAND_H

#include "lang/FrontEnd.h"

#include <string>

namespace sweep {

/// Loads every data configuration the sweeps of `result` train on (--sweep:
/// one of them) and writes each as `<outDir>/<sweep>/data<k>.csv`
/// (runtime/data/DatasetCsv.h), saying on stdout which runs use which.
/// Returns the process exit status.
int writeSweepData(const FrontEndResult &result, llvm::StringRef sourceFile,
                   llvm::StringRef baseDir, SourceDiagnostics &diags, const std::string &outDir);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_DATACOMMAND_H
