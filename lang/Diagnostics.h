//===- Diagnostics.h - source diagnostics for the front end -----*- C++ -*-===//
//
// Every front-end diagnostic goes through MLIR's diagnostic engine with a
// FileLineColLoc naming the buffer, so the driver prints `file:line:col: error:`
// with the source line and a caret, and `-verify-diagnostics` can check it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_DIAGNOSTICS_H
#define SWEEP_LANG_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

namespace sweep {

class SourceDiagnostics {
public:
  SourceDiagnostics(const llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context)
      : sourceMgr(sourceMgr), context(context) {}

  mlir::Location getLocation(llvm::SMLoc loc) const;

  mlir::InFlightDiagnostic error(llvm::SMLoc loc, const llvm::Twine &message);
  mlir::InFlightDiagnostic warning(llvm::SMLoc loc, const llvm::Twine &message);
  /// Attaches "did you mean 'x'?" to `diag` when one of `candidates` is close to `name`.
  static void suggest(mlir::InFlightDiagnostic &diag, llvm::StringRef name,
                      llvm::ArrayRef<llvm::StringRef> candidates);
  /// The closest candidate within a small edit distance, or "".
  static llvm::StringRef closest(llvm::StringRef name,
                                 llvm::ArrayRef<llvm::StringRef> candidates);

  unsigned getErrorCount() const { return errorCount; }
  mlir::MLIRContext *getContext() const { return context; }
  const llvm::SourceMgr &getSourceMgr() const { return sourceMgr; }

private:
  const llvm::SourceMgr &sourceMgr;
  mlir::MLIRContext *context;
  unsigned errorCount = 0;
};

/// While alive, prints the diagnostics whose source line holds a non-ASCII
/// character (a comment's "≥", a path's "é") to `os` itself, with the caret
/// under the right character: llvm::SMDiagnostic prints such a line without
/// one. Every other diagnostic goes on to the handler registered before it
/// (mlir::SourceMgrDiagnosticHandler), so the output looks the same.
class CaretOnEveryLine {
public:
  CaretOnEveryLine(const llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context,
                   llvm::raw_ostream &os);
  ~CaretOnEveryLine();

private:
  mlir::MLIRContext *context;
  mlir::DiagnosticEngine::HandlerID handler;
};

} // namespace sweep

#endif // SWEEP_LANG_DIAGNOSTICS_H
