//===- GpuHostCallsTest.cpp - the GPU host code calls only what exists ----===//
//
// The GPU pipeline's host code, translated to LLVM IR as a JIT would see it,
// declares the mgpu* runtime functions that gpu-to-llvm and the GPU dialect's
// translation chose (mgpuModuleLoadJIT for PTX, mgpuMemAlloc, ...). Every one
// of them must be in runtime/cuda/GpuRuntime's table, or compiled GPU code
// would fail to link; this derives the list from the real output instead of
// writing it down, after the rewrite the JIT and `sweepc build` make
// (codegen/nvptx/LoadModulesOnce.h). And the host code JIT-compiles against
// them (codegen/nvptx/GpuJit.h), its entry points found.
//
//===----------------------------------------------------------------------===//

#include "codegen/nvptx/GpuJit.h"
#include "codegen/nvptx/LoadModulesOnce.h"
#include "lib/MLIRGen/TrainProgram.h"
#include "lib/Pipelines/GpuPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/cuda/GpuRuntime.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <set>

using namespace sweep;

namespace {
GroupSpec tanhMlp() {
  GroupSpec g;
  g.inputs = 6, g.outputs = 3, g.batch = 8, g.epochs = 1;
  g.layers = {{LayerSpec::Kind::Dense, 6, 10, Activation::Identity},
              {LayerSpec::Kind::Activation, 10, 10, Activation::Tanh},
              {LayerSpec::Kind::Dense, 10, 3, Activation::Identity}};
  return g;
}
} // namespace

TEST(GpuHostCalls, EveryRuntimeFunctionTheHostCodeCallsIsProvided) {
  GroupSpec g = tanhMlp();
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module = buildTrainProgram(context, g, 4);
  mlir::PassManager pm(&context);
  GpuTarget target;
  target.toolkit = defaultCudaToolkit();
  std::string why;
  if (findLibdevice(target.toolkit, why).empty())
    GTEST_SKIP() << why;
  buildGpuPipeline(pm, GpuStage::Ptx, target);
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> host = mlir::translateModuleToLLVMIR(*module, llvmContext);
  ASSERT_TRUE(host);
  // Every module load goes through a slot: one image (the group's kernels
  // are one module), launched from several places.
  EXPECT_GT(loadGpuModulesOnce(*host), 2u);

  std::set<std::string> provided;
  for (const cuda::GpuRuntime::Symbol &symbol : cuda::GpuRuntime::symbols()) {
    EXPECT_NE(symbol.address, nullptr) << symbol.name;
    provided.insert(symbol.name);
  }
  size_t called = 0;
  for (const llvm::Function &function : host->functions()) {
    if (!function.isDeclaration() || function.use_empty() ||
        !(function.getName().starts_with("mgpu") || function.getName().starts_with("sweepGpu")))
      continue;
    ++called;
    EXPECT_TRUE(provided.count(function.getName().str()))
        << "the host code calls " << function.getName().str()
        << ", which runtime/cuda/GpuRuntime does not provide";
  }
  // Loading, launching, allocating and copying at the least.
  EXPECT_GE(called, 6u);
}

TEST(GpuHostCalls, TheHostCodeJitCompilesAgainstTheRuntime) {
  GpuTarget target;
  target.toolkit = defaultCudaToolkit();
  std::string error;
  if (findLibdevice(target.toolkit, error).empty())
    GTEST_SKIP() << error;
  std::unique_ptr<GpuCompiledGroup> compiled = GpuCompiledGroup::compile(tanhMlp(), 4, target, error);
  ASSERT_TRUE(compiled) << error;
  EXPECT_GT(compiled->kernelCount(), 10u); // One per generic of train_step and evaluate.
  EXPECT_GT(compiled->compileSeconds(), 0.0);

  target.toolkit = "/nonexistent";
  EXPECT_FALSE(GpuCompiledGroup::compile(tanhMlp(), 4, target, error));
  EXPECT_NE(error.find("no CUDA libdevice at /nonexistent/"), std::string::npos) << error;
}

namespace {
std::unique_ptr<llvm::Module> parseIR(llvm::LLVMContext &context, const char *text) {
  llvm::SMDiagnostic error;
  std::unique_ptr<llvm::Module> module = llvm::parseAssemblyString(text, error, context);
  EXPECT_TRUE(module) << error.getMessage().str();
  return module;
}

/// The slot global each call of sweepGpuModuleOnce in `module` passes, in order.
std::vector<std::string> slotsPassed(llvm::Module &module) {
  std::vector<std::string> slots;
  llvm::Function *once = module.getFunction("sweepGpuModuleOnce");
  if (!once)
    return slots;
  for (llvm::BasicBlock &block : *module.getFunction("launches"))
    for (llvm::Instruction &instruction : block)
      if (auto *call = llvm::dyn_cast<llvm::CallInst>(&instruction);
          call && call->getCalledFunction() == once)
        slots.push_back(call->getArgOperand(0)->getName().str());
  return slots;
}
} // namespace

// What MLIR 19's translation of gpu.launch_func writes (a load before each
// launch), rewritten: one slot per image, shared by its launches; PTX text
// (the JIT form) passed with 0 bytes; an image that is not a global left to
// mgpuModuleLoad.
TEST(LoadGpuModulesOnce, EachImageGetsOneSlotSharedByItsLaunches) {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = parseIR(context, R"(
@kernels_bin_cst = internal constant [4 x i8] c"\50\ED\55\BA"
@ptx_bin_cst = internal constant [3 x i8] c"pt\00"
declare ptr @mgpuModuleLoad(ptr, i64)
declare ptr @mgpuModuleLoadJIT(ptr, i32)
declare void @use(ptr)
define void @launches(ptr %elsewhere) {
  %a = call ptr @mgpuModuleLoad(ptr @kernels_bin_cst, i64 4)
  call void @use(ptr %a)
  %b = call ptr @mgpuModuleLoad(ptr @kernels_bin_cst, i64 4)
  call void @use(ptr %b)
  %c = call ptr @mgpuModuleLoadJIT(ptr @ptx_bin_cst, i32 2)
  call void @use(ptr %c)
  %d = call ptr @mgpuModuleLoad(ptr %elsewhere, i64 8)
  call void @use(ptr %d)
  ret void
}
)");
  ASSERT_TRUE(module);
  EXPECT_EQ(loadGpuModulesOnce(*module), 3u);
  EXPECT_EQ(slotsPassed(*module),
            (std::vector<std::string>{"kernels_bin_cst.module", "kernels_bin_cst.module",
                                      "ptx_bin_cst.module"}));
  EXPECT_TRUE(module->getFunction("mgpuModuleLoadJIT")->use_empty());
  EXPECT_EQ(module->getFunction("mgpuModuleLoad")->getNumUses(), 1u); // %elsewhere's.
  llvm::GlobalVariable *slot = module->getGlobalVariable("kernels_bin_cst.module", true);
  ASSERT_TRUE(slot);
  EXPECT_TRUE(slot->hasInternalLinkage());
  EXPECT_FALSE(slot->isConstant());
  EXPECT_TRUE(slot->getInitializer()->isNullValue());
  // The JIT form's bytes: 0, NUL-terminated text.
  for (llvm::User *user : module->getFunction("sweepGpuModuleOnce")->users()) {
    auto *call = llvm::cast<llvm::CallInst>(user);
    auto *bytes = llvm::cast<llvm::ConstantInt>(call->getArgOperand(2));
    EXPECT_EQ(bytes->getZExtValue(), call->getArgOperand(1)->getName() == "ptx_bin_cst" ? 0u : 4u);
  }
  // Nothing to rewrite the second time.
  EXPECT_EQ(loadGpuModulesOnce(*module), 0u);
}
