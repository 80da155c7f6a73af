//===- Sema.cpp - declarations and the sema driver ------------------------===//

#include "lang/SemaInternal.h"

using namespace sweep;

mlir::LogicalResult sweep::checkModule(const Module &module, SourceDiagnostics &diags,
                                       std::vector<std::unique_ptr<SweepSpec>> &sweeps) {
  return Sema(module, diags).run(sweeps);
}

mlir::LogicalResult Sema::run(std::vector<std::unique_ptr<SweepSpec>> &sweeps) {
  unsigned errorsBefore = diags.getErrorCount();
  collectDecls();
  for (const DeclPtr &decl : module.decls) {
    if (auto *model = llvm::dyn_cast<ModelDecl>(decl.get()))
      checkModelDecl(*model);
    else if (auto *dataset = llvm::dyn_cast<DatasetDecl>(decl.get()))
      checkDatasetDecl(*dataset);
  }
  bool sawSweep = false;
  for (const DeclPtr &decl : module.decls) {
    auto *sweepDecl = llvm::dyn_cast<SweepDecl>(decl.get());
    if (!sweepDecl)
      continue;
    sawSweep = true;
    if (std::unique_ptr<SweepSpec> sweep = checkSweep(*sweepDecl))
      sweeps.push_back(std::move(sweep));
  }
  if (!sawSweep && diags.getErrorCount() == errorsBefore) {
    llvm::SMLoc start = llvm::SMLoc::getFromPointer(
        diags.getSourceMgr()
            .getMemoryBuffer(diags.getSourceMgr().getMainFileID())
            ->getBufferStart());
    if (!module.decls.empty())
      start = module.decls.front()->getLoc();
    diags.error(start, "no sweep declared; a file needs a 'sweep name { ... }'");
  }
  // After an error a declaration may look unused only because checking stopped early.
  if (diags.getErrorCount() == errorsBefore)
    warnUnusedDecls();
  return mlir::success(diags.getErrorCount() == errorsBefore);
}

void Sema::collectDecls() {
  for (const DeclPtr &decl : module.decls) {
    auto [it, inserted] = decls.try_emplace(decl->getName(), decl.get());
    if (inserted)
      continue;
    auto diag = diags.error(decl->getLoc(), "redefinition of '" + decl->getName() + "'");
    diag.attachNote(diags.getLocation(it->second->getLoc())) << "previous definition is here";
  }
}

void Sema::checkDatasetDecl(const DatasetDecl &decl) {
  if (decls.lookup(decl.getName()) != &decl)
    return; // A redefinition, already reported.
  const CallExpr *call = decl.getSource();
  const FamilySpec *sources = lookupFamily("source");
  // `data spirals` names the source, so a dataset of that name could never be used.
  if (sources->lookup(decl.getName())) {
    diags.error(decl.getLoc(), "dataset '" + decl.getName() +
                                   "' takes the name of a data source, which `data " +
                                   decl.getName() + "` means; choose another name");
    invalidDecls[decl.getName()] = true;
    return;
  }
  const KindSpec *kind = sources->lookup(call->getCallee());
  if (!kind) {
    auto diag = diags.error(call->getLoc(), "unknown data source '" + call->getCallee() + "'");
    SourceDiagnostics::suggest(diag, call->getCallee(), sources->kindNames());
    invalidDecls[decl.getName()] = true;
    return;
  }
  // Check the arguments once, against a scratch sweep: axes belong in sweeps only.
  SweepSpec scratch;
  scratch.scopes.emplace_back();
  SweepSpec *saved = spec;
  spec = &scratch;
  auto savedEvaluator = std::move(evaluator);
  evaluator = std::make_unique<AxisEvaluator>(diags, scratch.strings);
  allowAxes = false;
  ConfigNode node;
  unsigned errorsBefore = diags.getErrorCount();
  checkConfigArgs(*kind, call->getArgs(), call->getLoc(), "data", 0, node);
  allowAxes = true;
  evaluator = std::move(savedEvaluator);
  spec = saved;
  if (diags.getErrorCount() != errorsBefore)
    invalidDecls[decl.getName()] = true;
}

void Sema::warnUnusedDecls() {
  for (const DeclPtr &decl : module.decls) {
    if (llvm::isa<SweepDecl>(decl.get()) || used.lookup(decl->getName()) ||
        decls.lookup(decl->getName()) != decl.get())
      continue;
    llvm::StringRef what = llvm::isa<ModelDecl>(decl.get()) ? "model" : "dataset";
    diags.warning(decl->getLoc(), what + " '" + decl->getName() + "' is never used");
  }
}
