//===- GroupPipeline.cpp - a group's program through a pipeline -----------===//

#include "lib/Pipelines/GroupPipeline.h"

#include "lib/MLIRGen/TrainProgram.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/raw_ostream.h"

mlir::OwningOpRef<mlir::ModuleOp>
sweep::lowerGroup(mlir::MLIRContext &context, const GroupSpec &group, int64_t runs,
                  llvm::function_ref<void(mlir::OpPassManager &)> addPasses,
                  std::string &diagnostics, bool rowSums) {
  TrainProgramOptions options;
  options.rowSums = rowSums;
  mlir::OwningOpRef<mlir::ModuleOp> module = buildTrainProgram(context, group, runs, options);
  if (!continueLowering(*module, addPasses, diagnostics))
    return nullptr;
  return module;
}

bool sweep::continueLowering(mlir::ModuleOp module,
                             llvm::function_ref<void(mlir::OpPassManager &)> addPasses,
                             std::string &diagnostics) {
  mlir::MLIRContext &context = *module.getContext();
  diagnostics.clear();
  llvm::raw_string_ostream stream(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    stream << diag << "\n";
    return mlir::success();
  });
  mlir::PassManager pm(&context);
  addPasses(pm);
  return mlir::succeeded(pm.run(module));
}
