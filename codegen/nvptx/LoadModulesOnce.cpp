//===- LoadModulesOnce.cpp - a kernel module looked up once per program ---===//

#include "codegen/nvptx/LoadModulesOnce.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

#include <vector>

size_t sweep::loadGpuModulesOnce(llvm::Module &module) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *pointer = llvm::PointerType::getUnqual(context);
  llvm::Type *i64 = llvm::Type::getInt64Ty(context);
  // runtime/cuda/GpuRuntime.h's SweepGpuModuleSlot: { uint64_t, CUmodule }.
  llvm::StructType *slotType = llvm::StructType::get(context, {i64, pointer});
  llvm::FunctionType *onceType = llvm::FunctionType::get(pointer, {pointer, pointer, i64}, false);

  llvm::DenseMap<llvm::GlobalVariable *, llvm::GlobalVariable *> slots;
  size_t rewritten = 0;
  for (const char *name : {"mgpuModuleLoad", "mgpuModuleLoadJIT"}) {
    llvm::Function *load = module.getFunction(name);
    if (!load)
      continue;
    bool jit = llvm::StringRef(name).ends_with("JIT");
    std::vector<llvm::CallInst *> calls;
    for (llvm::User *user : load->users())
      if (auto *call = llvm::dyn_cast<llvm::CallInst>(user);
          call && call->getCalledFunction() == load)
        calls.push_back(call);
    for (llvm::CallInst *call : calls) {
      auto *image =
          llvm::dyn_cast<llvm::GlobalVariable>(call->getArgOperand(0)->stripPointerCasts());
      if (!image)
        continue;
      llvm::GlobalVariable *&slot = slots[image];
      if (!slot)
        slot = new llvm::GlobalVariable(
            module, slotType, /*isConstant=*/false, llvm::GlobalValue::InternalLinkage,
            llvm::ConstantAggregateZero::get(slotType), image->getName() + ".module");
      llvm::IRBuilder<> builder(call);
      // PTX text for the JIT form is NUL-terminated: 0 bytes says so.
      llvm::Value *bytes = jit ? llvm::ConstantInt::get(i64, 0) : call->getArgOperand(1);
      llvm::CallInst *replacement =
          builder.CreateCall(module.getOrInsertFunction("sweepGpuModuleOnce", onceType),
                             {slot, call->getArgOperand(0), bytes});
      call->replaceAllUsesWith(replacement);
      call->eraseFromParent();
      ++rewritten;
    }
  }
  return rewritten;
}
