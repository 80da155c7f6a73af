//===- Diagnostics.cpp - source diagnostics for the front end -------------===//

#include "lang/Diagnostics.h"
#include "runtime/results/Utf8.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

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

namespace {
/// A diagnostic's source line and the byte offset of its column in it.
struct SourceLine {
  llvm::StringRef text;
  size_t column = 0;
};

std::optional<SourceLine> sourceLineOf(const llvm::SourceMgr &sourceMgr, mlir::Location loc) {
  auto fileLoc = llvm::dyn_cast<mlir::FileLineColLoc>(loc);
  if (!fileLoc || fileLoc.getLine() == 0)
    return std::nullopt;
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
    const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(id);
    if (buffer->getBufferIdentifier() != fileLoc.getFilename().strref())
      continue;
    // FindLocForLineAndColumn only caches line offsets; it changes no buffer.
    llvm::SMLoc at = const_cast<llvm::SourceMgr &>(sourceMgr).FindLocForLineAndColumn(
        id, fileLoc.getLine(), fileLoc.getColumn());
    if (!at.isValid())
      return std::nullopt;
    llvm::StringRef all = buffer->getBuffer();
    size_t offset = size_t(at.getPointer() - all.begin());
    size_t newline = all.take_front(offset).rfind('\n');
    size_t start = newline == llvm::StringRef::npos ? 0 : newline + 1;
    size_t end = all.find_first_of("\r\n", offset);
    SourceLine line;
    line.text = all.slice(start, end == llvm::StringRef::npos ? all.size() : end);
    line.column = offset - start;
    return line;
  }
  return std::nullopt;
}

void printWithCaret(llvm::raw_ostream &os, const llvm::SourceMgr &sourceMgr,
                    mlir::Location loc, mlir::DiagnosticSeverity severity,
                    llvm::StringRef message) {
  static const char *const kinds[] = {"note", "warning", "error", "remark"};
  auto fileLoc = llvm::cast<mlir::FileLineColLoc>(loc);
  os << fileLoc.getFilename().strref() << ":" << fileLoc.getLine() << ":"
     << fileLoc.getColumn() << ": " << kinds[unsigned(severity)] << ": " << message << "\n";
  std::optional<SourceLine> line = sourceLineOf(sourceMgr, loc);
  if (!line)
    return;
  os << line->text << "\n";
  // One space per character before the column (and per byte that is no
  // part of one), tabs copied so that they expand as the line's do.
  llvm::StringRef before = line->text.take_front(line->column);
  for (const char *p = before.begin(); p < before.end();) {
    os << (*p == '\t' ? '\t' : ' ');
    p += std::max<size_t>(1, utf8CharacterLength(p, before.end()));
  }
  os << "^\n";
}
} // namespace

CaretOnEveryLine::CaretOnEveryLine(const llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context,
                                   llvm::raw_ostream &os)
    : context(context) {
  handler = context->getDiagEngine().registerHandler(
      [&sourceMgr, &os](mlir::Diagnostic &diag) -> mlir::LogicalResult {
        std::optional<SourceLine> line = sourceLineOf(sourceMgr, diag.getLocation());
        if (!line || llvm::all_of(line->text, [](char c) { return llvm::isASCII(c); }))
          return mlir::failure(); // MLIR's handler prints it with its caret.
        printWithCaret(os, sourceMgr, diag.getLocation(), diag.getSeverity(), diag.str());
        for (mlir::Diagnostic &note : diag.getNotes()) {
          if (sourceLineOf(sourceMgr, note.getLocation()))
            printWithCaret(os, sourceMgr, note.getLocation(), note.getSeverity(), note.str());
          else
            os << "note: " << note.str() << "\n";
        }
        os.flush();
        return mlir::success();
      });
}

CaretOnEveryLine::~CaretOnEveryLine() { context->getDiagEngine().eraseHandler(handler); }
