//===- FrontEnd.h - source text to planned sweeps ---------------*- C++ -*-===//
//
// The whole front end in one call: parse, sema, grid expansion and planning of
// a SourceMgr's main buffer. The driver, the fuzzer and the benchmarks share it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_FRONTEND_H
#define SWEEP_LANG_FRONTEND_H

#include "lang/Plan.h"

#include <memory>
#include <optional>

namespace sweep {

struct FrontEndOptions {
  PlanOptions plan;
  uint64_t maxRuns = kMaxRuns;
  /// Stop after parsing (for -emit=ast).
  bool parseOnly = false;
  /// --sweep=NAME: every sweep of the file is checked, this one alone is
  /// expanded and planned (its data read). Regression: another sweep's data
  /// file, not yet downloaded, stopped `sweepc run F --sweep=NAME`.
  std::string onlySweep;
};

struct PlannedSweep {
  std::unique_ptr<SweepSpec> spec;
  RunTable runs;
  SweepPlan plan;
};

struct FrontEndResult {
  std::optional<Module> module;
  /// The sweeps that expanded and planned without error.
  std::vector<PlannedSweep> sweeps;
};

/// Fails if any error was reported; `result` still holds what succeeded.
mlir::LogicalResult runFrontEnd(const llvm::SourceMgr &sourceMgr, SourceDiagnostics &diags,
                                const FrontEndOptions &options, FrontEndResult &result);

} // namespace sweep

#endif // SWEEP_LANG_FRONTEND_H
