//===- GpuJit.cpp - a run group compiled for an NVIDIA GPU ----------------===//

#include "codegen/nvptx/GpuJit.h"

#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/JitEventListeners.h"
#include "codegen/cpu/ObjectLoader.h"
#include "codegen/cpu/OptimizeModule.h"
#include "codegen/cpu/StaticCosts.h"
#include "codegen/nvptx/LoadModulesOnce.h"
#include "lib/Pipelines/GroupPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/cuda/GpuRuntime.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <mutex>
#include <vector>

using namespace sweep;

GpuCompiledGroup::~GpuCompiledGroup() = default;

namespace {
/// What the host code calls: the mgpu* functions of runtime/cuda.
llvm::orc::SymbolMap gpuRuntimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  for (const cuda::GpuRuntime::Symbol &symbol : cuda::GpuRuntime::symbols())
    symbols[interner(symbol.name)] = {llvm::orc::ExecutorAddr::fromPtr(symbol.address),
                                      llvm::JITSymbolFlags::Exported};
  return symbols;
}

/// A file's size and modification time: a toolkit replaced in place changes
/// them.
std::string fileIdentity(const std::string &path) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(path, status))
    return path + ": absent";
  return path + ": " + std::to_string(status.getSize()) + " bytes, modified " +
         std::to_string(llvm::sys::toTimeT(status.getLastModificationTime()));
}

/// The compile cache's key of a group's outlined kernels: besides the module,
/// what turns it into PTX, a fatbinary and host code (the chip, the PTX
/// features, the format, the toolkit's libdevice and tools, this host; the
/// NVVM -O3 and host -O2 are part of kObjectFormat).
std::string gpuObjectKey(mlir::ModuleOp module, const GpuTarget &target) {
  static constexpr llvm::StringLiteral kObjectFormat =
      "sweepc gpu object 3: nvvm O3, host O2 codegen-default, modules loaded once, "
      "entry points folded, no called-value-propagation";
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  std::string toolkit = fileIdentity(target.toolkit + "/nvvm/libdevice/libdevice.10.bc") + "; " +
                        fileIdentity(target.toolkit + "/bin/ptxas") + "; " +
                        fileIdentity(target.toolkit + "/bin/fatbinary");
  return compileCacheKey({kObjectFormat, hostCodeIdentity(), target.chip, target.features,
                          target.format, toolkit, text});
}
} // namespace

std::unique_ptr<GpuCompiledGroup> GpuCompiledGroup::compile(const GroupSpec &group, int64_t runs,
                                                            const GpuTarget &target,
                                                            std::string &error,
                                                            CompileCache *cache) {
  initializeNativeTarget();
  auto start = std::chrono::steady_clock::now();
  if (findLibdevice(target.toolkit, error).empty())
    return nullptr;
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  context.disableMultithreading();
  // To the outlined kernels first: the compile cache's key is taken there,
  // before the NVPTX back end, ptxas and the host JIT, which it saves.
  std::string diagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerGroup(
      context, group, runs,
      [&](mlir::OpPassManager &pm) { buildGpuPipeline(pm, GpuStage::Kernels, target); },
      diagnostics, /*rowSums=*/true);
  if (!module) {
    error = "compiling group '" + group.label + "' for the GPU failed: " + diagnostics;
    return nullptr;
  }
  std::unique_ptr<GpuCompiledGroup> compiled(new GpuCompiledGroup());
  module->walk([&](mlir::gpu::GPUFuncOp function) {
    if (function.isKernel())
      ++compiled->kernels;
  });
  if (!staticPhaseCosts(group, runs, compiled->phaseTable, error))
    return nullptr;

  std::string key = cache ? gpuObjectKey(*module, target) : "";
  LoadedGroupObject loaded;
  if (cache && loadCachedGroup(*cache, key, group.label, gpuRuntimeSymbols, loaded)) {
    compiled->loadedObject = std::move(loaded.jit);
    compiled->trainStepFn = loaded.trainStep;
    compiled->evaluateFn = loaded.evaluate;
  } else {
    if (!continueLowering(
            *module, [&](mlir::OpPassManager &pm) { addGpuBinaryPasses(pm, target); },
            diagnostics)) {
      error = "compiling group '" + group.label + "' for the GPU failed: " + diagnostics;
      return nullptr;
    }
    // The host code only allocates, copies and launches: -O2 is plenty.
    mlir::ExecutionEngineOptions options;
    options.transformer = [](llvm::Module *host) -> llvm::Error {
      loadGpuModulesOnce(*host);
      return optimizeGroupModule(*host, nullptr);
    };
    chooseJitEventListeners(options);
    options.enableObjectDump = cache != nullptr;
    auto engine = mlir::ExecutionEngine::create(*module, options);
    if (!engine) {
      error = "JIT of group '" + group.label + "' (GPU host code) failed: " +
              llvm::toString(engine.takeError());
      return nullptr;
    }
    compiled->engine = std::move(*engine);
    compiled->engine->registerSymbols(gpuRuntimeSymbols);
    if (!lookupGroupEntryPoints(*compiled->engine, compiled->trainStepFn, compiled->evaluateFn,
                                error))
      return nullptr;
    if (cache)
      storeCompiledGroup(*cache, key, group.label, *compiled->engine);
  }
  compiled->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return compiled;
}
