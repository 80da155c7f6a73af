//===- Sema.h - name resolution, types and ranges for .sweep ----*- C++ -*-===//
//
// Sema checks a parsed Module: declarations (duplicates, unused), model bodies
// (names, types, one input and one return), data sources and sweep settings
// (against the tables in Builtins.h: names, types, value ranges), axes, zips,
// `where` constraints and `report`. It produces one SweepSpec per sweep.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_SEMA_H
#define SWEEP_LANG_SEMA_H

#include "lang/AST.h"
#include "lang/Diagnostics.h"
#include "lang/SweepSpec.h"

#include "mlir/Support/LogicalResult.h"

#include <memory>
#include <vector>

namespace sweep {

/// Checks `module`; fills `sweeps` and returns success if no error was reported.
/// The SweepSpecs point into `module`, which must outlive them.
mlir::LogicalResult checkModule(const Module &module, SourceDiagnostics &diags,
                                std::vector<std::unique_ptr<SweepSpec>> &sweeps);

} // namespace sweep

#endif // SWEEP_LANG_SEMA_H
