//===- GpuJit.cpp - a run group compiled for an NVIDIA GPU ----------------===//

#include "codegen/nvptx/GpuJit.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/StaticCosts.h"
#include "lib/Pipelines/GroupPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/cuda/GpuRuntime.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <mutex>
#include <vector>

using namespace sweep;

GpuCompiledGroup::~GpuCompiledGroup() = default;

std::unique_ptr<GpuCompiledGroup> GpuCompiledGroup::compile(const GroupSpec &group, int64_t runs,
                                                            const GpuTarget &target,
                                                            std::string &error) {
  initializeNativeTarget();
  auto start = std::chrono::steady_clock::now();
  if (findLibdevice(target.toolkit, error).empty())
    return nullptr;
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  context.disableMultithreading();
  std::string diagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerGroup(
      context, group, runs,
      [&](mlir::OpPassManager &pm) { buildGpuPipeline(pm, GpuStage::Ptx, target); }, diagnostics,
      /*rowSums=*/true);
  if (!module) {
    error = "compiling group '" + group.label + "' for the GPU failed: " + diagnostics;
    return nullptr;
  }
  size_t kernels = 0;
  module->walk([&](mlir::gpu::BinaryOp) { ++kernels; });

  // The host code only allocates, copies and launches: -O2 is plenty.
  mlir::ExecutionEngineOptions options;
  options.transformer = mlir::makeOptimizingTransformer(2, 0, nullptr);
  auto engine = mlir::ExecutionEngine::create(*module, options);
  if (!engine) {
    error = "JIT of group '" + group.label + "' (GPU host code) failed: " +
            llvm::toString(engine.takeError());
    return nullptr;
  }
  std::unique_ptr<GpuCompiledGroup> compiled(new GpuCompiledGroup());
  compiled->engine = std::move(*engine);
  compiled->kernels = kernels;
  compiled->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    for (const cuda::GpuRuntime::Symbol &symbol : cuda::GpuRuntime::symbols())
      symbols[interner(symbol.name)] = {llvm::orc::ExecutorAddr::fromPtr(symbol.address),
                                        llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  if (!lookupGroupEntryPoints(*compiled->engine, compiled->trainStepFn, compiled->evaluateFn,
                              error) ||
      !staticPhaseCosts(group, runs, compiled->phaseTable, error))
    return nullptr;
  compiled->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return compiled;
}
