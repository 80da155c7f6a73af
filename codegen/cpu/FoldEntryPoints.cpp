//===- FoldEntryPoints.cpp - entry points without a call of thousands of arguments ===//

#include "codegen/cpu/FoldEntryPoints.h"

#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

#include <string>
#include <vector>

size_t sweep::foldEntryPointsIntoCInterfaces(llvm::Module &module) {
  std::vector<llvm::Function *> candidates;
  for (llvm::Function &function : module)
    if (!function.isDeclaration() && !function.getName().starts_with("_mlir_"))
      candidates.push_back(&function);
  size_t folded = 0;
  for (llvm::Function *function : candidates) {
    std::string name = function->getName().str();
    llvm::Function *cInterface = module.getFunction("_mlir_ciface_" + name);
    if (!cInterface || cInterface->isDeclaration())
      continue;
    // The packed wrapper of F itself: sweepc calls the C interface's.
    if (llvm::Function *packed = module.getFunction("_mlir_" + name);
        packed && !packed->isDeclaration() && packed->use_empty())
      packed->eraseFromParent();
    bool onlyTheInterfaceCalls = true;
    for (llvm::User *user : function->users()) {
      auto *call = llvm::dyn_cast<llvm::CallInst>(user);
      onlyTheInterfaceCalls &=
          call && call->getCalledFunction() == function && call->getFunction() == cInterface;
    }
    if (!onlyTheInterfaceCalls || function->hasFnAttribute(llvm::Attribute::NoInline))
      continue;
    function->setLinkage(llvm::GlobalValue::InternalLinkage);
    function->addFnAttr(llvm::Attribute::AlwaysInline);
    ++folded;
  }
  return folded;
}
