//===- Diagnostics.cpp - source diagnostics for the front end -------------===//

#include "lang/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdlib>

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
  // About one typo per three characters, at least two (a swap costs two), but
  // never as many as the name has characters: "ab" is not a typo of "cd".
  unsigned limit = std::min<unsigned>(std::max<unsigned>(2, (name.size() + 2) / 3),
                                      name.size() > 0 ? name.size() - 1 : 0);
  llvm::StringRef best;
  unsigned bestDistance = limit + 1;
  auto lengthGap = [&](llvm::StringRef candidate) {
    return std::abs(int(candidate.size()) - int(name.size()));
  };
  for (llvm::StringRef candidate : candidates) {
    if (candidate == name || candidate.empty())
      continue;
    unsigned distance = name.edit_distance(candidate, /*AllowReplacements=*/true, bestDistance);
    // Rewriting all of a short candidate is no typo: "sdg" is not "d".
    if (distance >= candidate.size())
      continue;
    // On a tie prefer the candidate of the closer length ("sdg": "sgd", not "sg").
    if (distance < bestDistance ||
        (distance == bestDistance && !best.empty() && lengthGap(candidate) < lengthGap(best))) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (!best.empty() || name.size() < 3)
    return best;
  // An abbreviation: `val_acc` for `val_accuracy`.
  for (llvm::StringRef candidate : candidates)
    if (candidate.starts_with(name))
      return candidate;
  return best;
}

void SourceDiagnostics::suggest(mlir::InFlightDiagnostic &diag, llvm::StringRef name,
                                llvm::ArrayRef<llvm::StringRef> candidates) {
  llvm::StringRef best = closest(name, candidates);
  if (!best.empty())
    diag.attachNote() << "did you mean '" << best << "'?";
}
