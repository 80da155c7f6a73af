//===- Diagnostics.cpp - source diagnostics for the front end -------------===//

#include "lang/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

using namespace sweep;

mlir::Location SourceDiagnostics::getLocation(llvm::SMLoc loc) const {
  unsigned bufferId = sourceMgr.FindBufferContainingLoc(loc);
  if (bufferId == 0)
    bufferId = sourceMgr.getMainFileID();
  auto [line, column] = sourceMgr.getLineAndColumn(loc, bufferId);
  llvm::StringRef name = sourceMgr.getMemoryBuffer(bufferId)->getBufferIdentifier();
  return mlir::FileLineColLoc::get(context, name, line, column);
}

mlir::InFlightDiagnostic SourceDiagnostics::error(llvm::SMLoc loc, const llvm::Twine &message) {
  ++errorCount;
  return mlir::emitError(getLocation(loc), message);
}

mlir::InFlightDiagnostic SourceDiagnostics::warning(llvm::SMLoc loc,
                                                    const llvm::Twine &message) {
  return mlir::emitWarning(getLocation(loc), message);
}

llvm::StringRef SourceDiagnostics::closest(llvm::StringRef name,
                                           llvm::ArrayRef<llvm::StringRef> candidates) {
  llvm::StringRef best;
  // Allow about one typo per three characters, and always at least one.
  unsigned bestDistance = std::max<unsigned>(1, name.size() / 3) + 1;
  for (llvm::StringRef candidate : candidates) {
    if (candidate == name)
      continue;
    unsigned distance = name.edit_distance(candidate, /*AllowReplacements=*/true, bestDistance);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

void SourceDiagnostics::suggest(mlir::InFlightDiagnostic &diag, llvm::StringRef name,
                                llvm::ArrayRef<llvm::StringRef> candidates) {
  llvm::StringRef best = closest(name, candidates);
  if (!best.empty())
    diag.attachNote() << "did you mean '" << best << "'?";
}
