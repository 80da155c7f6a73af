//===- FrontEndFixture.h - running the front end on a string in tests -*- C++ -*-===//

#ifndef SWEEP_TEST_UNITTESTS_LANG_FRONTENDFIXTURE_H
#define SWEEP_TEST_UNITTESTS_LANG_FRONTENDFIXTURE_H

#include "lang/FrontEnd.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

namespace sweep {

/// Runs the front end on `source`, collecting diagnostics as text.
class FrontEndFixture : public ::testing::Test {
protected:
  mlir::LogicalResult compile(const std::string &source) {
    sourceMgr = std::make_unique<llvm::SourceMgr>();
    sourceMgr->AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source, "test.sweep"),
                                  llvm::SMLoc());
    messages.clear();
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &context, [this](mlir::Diagnostic &diag) {
          messages.push_back(diag.str());
          return mlir::success();
        });
    diags = std::make_unique<SourceDiagnostics>(*sourceMgr, &context);
    result = FrontEndResult();
    FrontEndOptions options;
    return runFrontEnd(*sourceMgr, *diags, options, result);
  }

  /// The value of `path` in run `run` of the first sweep, as text.
  std::string valueOf(size_t run, llvm::StringRef path) {
    const PlannedSweep &sweep = result.sweeps.front();
    std::vector<Value> values;
    resolveRun(*sweep.spec, sweep.runs.getIndices(run), values);
    return values[sweep.spec->pathIds.lookup(path)].str();
  }

  mlir::MLIRContext context;
  std::unique_ptr<llvm::SourceMgr> sourceMgr;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  std::unique_ptr<SourceDiagnostics> diags;
  FrontEndResult result;
  std::vector<std::string> messages;
};

} // namespace sweep

#endif // SWEEP_TEST_UNITTESTS_LANG_FRONTENDFIXTURE_H
