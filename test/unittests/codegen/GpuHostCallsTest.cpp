//===- GpuHostCallsTest.cpp - the GPU host code calls only what exists ----===//
//
// The GPU pipeline's host code, translated to LLVM IR as a JIT would see it,
// declares the mgpu* runtime functions that gpu-to-llvm and the GPU dialect's
// translation chose (mgpuModuleLoadJIT for PTX, mgpuMemAlloc, ...). Every one
// of them must be in runtime/cuda/GpuRuntime's table, or compiled GPU code
// would fail to link; this derives the list from the real output instead of
// writing it down. And the host code JIT-compiles against them
// (codegen/nvptx/GpuJit.h), its entry points found.
//
//===----------------------------------------------------------------------===//

#include "codegen/nvptx/GpuJit.h"
#include "lib/MLIRGen/TrainProgram.h"
#include "lib/Pipelines/GpuPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/cuda/GpuRuntime.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

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

  std::set<std::string> provided;
  for (const cuda::GpuRuntime::Symbol &symbol : cuda::GpuRuntime::symbols()) {
    EXPECT_NE(symbol.address, nullptr) << symbol.name;
    provided.insert(symbol.name);
  }
  size_t called = 0;
  for (const llvm::Function &function : host->functions()) {
    if (!function.isDeclaration() || !function.getName().starts_with("mgpu"))
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
