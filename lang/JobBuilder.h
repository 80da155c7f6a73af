//===- JobBuilder.h - a planned sweep as the runtime's plain data -*- C++ -*-===//
//
// The runtime sees no front-end types: this turns a PlannedSweep into a
// SweepJob (datasets, groups with their layers, every run's resolved
// settings and its row of hyperparameter values for runs.csv).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_JOBBUILDER_H
#define SWEEP_LANG_JOBBUILDER_H

#include "lang/FrontEnd.h"
#include "runtime/exec/SweepJob.h"

namespace sweep {

/// `baseDir` is where relative data paths start (the .sweep file's directory).
SweepJob buildSweepJob(const PlannedSweep &sweep, llvm::StringRef sourceFile,
                       llvm::StringRef baseDir, SourceDiagnostics &diags);

} // namespace sweep

#endif // SWEEP_LANG_JOBBUILDER_H
