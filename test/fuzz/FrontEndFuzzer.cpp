//===- FrontEndFuzzer.cpp - libFuzzer target for the .sweep front end -----===//
//
// Feeds arbitrary bytes through lexer, parser, sema, grid expansion and
// planning. Any crash, hang, leak or sanitizer report is a bug: every input
// must end in diagnostics or a plan. See test/fuzz/README.md.
//
//===----------------------------------------------------------------------===//

#include "lang/FrontEnd.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::MLIRContext *context = [] {
    auto *ctx = new mlir::MLIRContext();
    // Swallow diagnostics, but render each one so that the printing code runs too.
    ctx->getDiagEngine().registerHandler([](mlir::Diagnostic &diag) {
      std::string text;
      llvm::raw_string_ostream os(text);
      diag.print(os);
      return mlir::success();
    });
    return ctx;
  }();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.sweep"),
      llvm::SMLoc());
  sweep::SourceDiagnostics diags(sourceMgr, context);
  sweep::FrontEndOptions options;
  options.plan.readDataFiles = false; // No input may open files (think /dev/stdin).
  options.maxRuns = 100000;           // Keep each input fast; the limit logic is the same.
  sweep::FrontEndResult result;
  (void)sweep::runFrontEnd(sourceMgr, diags, options, result);
  std::string sink;
  llvm::raw_string_ostream os(sink);
  for (const sweep::PlannedSweep &sweep : result.sweeps) {
    sweep::printPlan(*sweep.spec, sweep.runs, sweep.plan, os);
    if (sweep.runs.size() <= 1000)
      sweep::printGrid(*sweep.spec, sweep.runs, sweep.plan, os);
  }
  if (result.module)
    sweep::dumpAST(*result.module, sourceMgr, os);
  return 0;
}
