//===- FrontEnd.cpp - source text to planned sweeps -----------------------===//

#include "lang/FrontEnd.h"

#include "lang/Parser.h"
#include "lang/Sema.h"

using namespace sweep;

mlir::LogicalResult sweep::runFrontEnd(const llvm::SourceMgr &sourceMgr,
                                       SourceDiagnostics &diags,
                                       const FrontEndOptions &options,
                                       FrontEndResult &result) {
  Parser parser(sourceMgr, sourceMgr.getMainFileID(), diags);
  result.module = parser.parseModule();
  if (!result.module)
    return mlir::failure();
  if (options.parseOnly)
    return mlir::success();

  std::vector<std::unique_ptr<SweepSpec>> specs;
  if (mlir::failed(checkModule(*result.module, diags, specs)))
    return mlir::failure();
  bool ok = true;
  DatasetShapeCache datasets;
  PlanOptions planOptions = options.plan;
  planOptions.datasetCache = &datasets;
  for (std::unique_ptr<SweepSpec> &spec : specs) {
    if (!options.onlySweep.empty() && spec->name != options.onlySweep)
      continue;
    mlir::FailureOr<RunTable> runs = expandGrid(*spec, diags, options.maxRuns);
    if (mlir::failed(runs)) {
      ok = false;
      continue;
    }
    mlir::FailureOr<SweepPlan> plan = planSweep(*spec, *runs, diags, planOptions);
    if (mlir::failed(plan)) {
      ok = false;
      continue;
    }
    result.sweeps.push_back({std::move(spec), std::move(*runs), std::move(*plan)});
  }
  return mlir::success(ok);
}
