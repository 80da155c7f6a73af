//===- FoldEntryPointsTest.cpp - entry points folded into their C interfaces ===//
//
// codegen/cpu/FoldEntryPoints.h on the shapes MLIR and mlir::ExecutionEngine
// give a group's LLVM IR: F with its descriptors' fields as arguments, its C
// interface `_mlir_ciface_F` calling it, and ExecutionEngine's packed
// wrappers `_mlir_F` and `_mlir__mlir_ciface_F`.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/FoldEntryPoints.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

using namespace sweep;

TEST(FoldEntryPoints, TheExpandedFunctionIsInlinedIntoItsCInterfaceAndItsPackedWrapperGoes) {
  llvm::LLVMContext context;
  llvm::SMDiagnostic error;
  std::unique_ptr<llvm::Module> module = llvm::parseAssemblyString(R"(
define void @train_step(ptr %a, ptr %b, i64 %n) {
  ret void
}
define void @_mlir_ciface_train_step(ptr %d) {
  %a = load ptr, ptr %d
  call void @train_step(ptr %a, ptr %a, i64 1)
  ret void
}
define void @_mlir_train_step(ptr %packed) {
  call void @train_step(ptr null, ptr null, i64 0)
  ret void
}
define void @_mlir__mlir_ciface_train_step(ptr %packed) {
  call void @_mlir_ciface_train_step(ptr null)
  ret void
}
; Called from elsewhere too: left as it is.
define void @evaluate(i64 %n) {
  ret void
}
define void @_mlir_ciface_evaluate(ptr %d) {
  call void @evaluate(i64 0)
  ret void
}
define void @other() {
  call void @evaluate(i64 1)
  ret void
}
; No C interface: left as it is.
define void @helper() {
  ret void
}
define void @_mlir_helper(ptr %packed) {
  call void @helper()
  ret void
}
)",
                                                                   error, context);
  ASSERT_TRUE(module) << error.getMessage().str();
  EXPECT_EQ(foldEntryPointsIntoCInterfaces(*module), 1u);

  llvm::Function *trainStep = module->getFunction("train_step");
  ASSERT_TRUE(trainStep);
  EXPECT_TRUE(trainStep->hasInternalLinkage());
  EXPECT_TRUE(trainStep->hasFnAttribute(llvm::Attribute::AlwaysInline));
  EXPECT_FALSE(module->getFunction("_mlir_train_step")); // Never called by sweepc.
  // What sweepc calls stays, and exported.
  for (const char *entry : {"_mlir_ciface_train_step", "_mlir__mlir_ciface_train_step",
                            "_mlir_ciface_evaluate", "_mlir_helper"}) {
    ASSERT_TRUE(module->getFunction(entry)) << entry;
    EXPECT_FALSE(module->getFunction(entry)->hasLocalLinkage()) << entry;
  }
  llvm::Function *evaluate = module->getFunction("evaluate");
  EXPECT_FALSE(evaluate->hasLocalLinkage());
  EXPECT_FALSE(evaluate->hasFnAttribute(llvm::Attribute::AlwaysInline));
  EXPECT_FALSE(module->getFunction("helper")->hasLocalLinkage());
  EXPECT_EQ(foldEntryPointsIntoCInterfaces(*module), 1u); // Idempotent: marked again.
}
