//===- JitCompiler.cpp - a run group compiled for this CPU ----------------===//

#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/CheckedOutput.h"
#include "codegen/cpu/JitEventListeners.h"

#include "codegen/cpu/OptimizeModule.h"

#include "codegen/cpu/ObjectLoader.h"
#include "lib/Conversion/Passes.h"
#include "lib/Pipelines/GroupPipeline.h"
#include "lib/Pipelines/CpuPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/kernels/ProgramHeap.h"
#include "runtime/kernels/DenseKernels.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <mutex>

using namespace sweep;

CompiledGroup::~CompiledGroup() = default;

std::vector<PhaseCost> sweep::readPhaseTable(mlir::ModuleOp module) {
  std::vector<PhaseCost> table;
  auto phases = module->getAttrOfType<mlir::ArrayAttr>(kEnergyPhasesAttr);
  if (!phases)
    return table;
  for (mlir::Attribute entry : phases) {
    auto dict = mlir::cast<mlir::DictionaryAttr>(entry);
    PhaseCost cost;
    cost.function = mlir::cast<mlir::StringAttr>(dict.get("function")).str();
    cost.phase = mlir::cast<mlir::StringAttr>(dict.get("phase")).str();
    cost.cost.flops = double(mlir::cast<mlir::IntegerAttr>(dict.get("flops")).getInt());
    cost.cost.bytes = double(mlir::cast<mlir::IntegerAttr>(dict.get("bytes")).getInt());
    table.push_back(cost);
  }
  return table;
}

void sweep::initializeNativeTarget() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

bool sweep::lookupGroupEntryPoints(mlir::ExecutionEngine &engine, void (*&trainStep)(void **),
                                   void (*&evaluate)(void **), std::string &error) {
  for (auto [name, slot] : {std::pair{"_mlir_ciface_train_step", &trainStep},
                            std::pair{"_mlir_ciface_evaluate", &evaluate}}) {
    auto fn = engine.lookupPacked(name);
    if (!fn) {
      error = std::string("JIT lookup of ") + name + " failed: " + llvm::toString(fn.takeError());
      return false;
    }
    *slot = *fn;
  }
  return true;
}

namespace {
/// What the generated code calls besides libc: the dense products in
/// runtime/kernels, the energy probe in runtime/energy, and memref.alloc and
/// dealloc through the counted heap (runtime/kernels/ProgramHeap.h).
llvm::orc::SymbolMap groupRuntimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  int64_t count = 0;
  for (const sweep::KernelSymbol *symbol = sweep::kernelSymbols(count), *end = symbol + count;
       symbol != end; ++symbol)
    symbols[interner(symbol->name)] = {llvm::orc::ExecutorAddr::fromPtr(symbol->address),
                                       llvm::JITSymbolFlags::Exported};
  symbols[interner(kEnergyProbeFunction)] = {llvm::orc::ExecutorAddr::fromPtr(&sweep_energy_probe),
                                             llvm::JITSymbolFlags::Exported};
  for (auto [name, address] :
       {std::pair<const char *, void *>{"_mlir_memref_to_llvm_alloc",
                                        reinterpret_cast<void *>(&_mlir_memref_to_llvm_alloc)},
        {"_mlir_memref_to_llvm_aligned_alloc",
         reinterpret_cast<void *>(&_mlir_memref_to_llvm_aligned_alloc)},
        {"_mlir_memref_to_llvm_free", reinterpret_cast<void *>(&_mlir_memref_to_llvm_free)}})
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  return symbols;
}

/// The compile cache's key of a lowered module: besides the module, what
/// turns it into machine code (compile()'s -O2 and codegen level are part of
/// kObjectFormat; change it when they change).
std::string objectKey(mlir::ModuleOp module) {
  static constexpr llvm::StringLiteral kObjectFormat =
      "sweepc cpu object 2: O2 codegen-default, entry points folded, no called-value-propagation";
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return compileCacheKey({kObjectFormat, hostCodeIdentity(), text});
}

} // namespace

std::unique_ptr<CompiledGroup> CompiledGroup::compile(const GroupSpec &group, int64_t runs,
                                                      std::string &error, bool energyProbes,
                                                      CpuLoops loops, CompileCache *cache) {
  initializeNativeTarget();
  auto start = std::chrono::steady_clock::now();
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  context.disableMultithreading(); // Groups compile on the trainer's threads.
  std::string diagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerGroup(
      context, group, runs,
      [&](mlir::OpPassManager &pm) { buildCpuPipeline(pm, CpuStage::LLVM, energyProbes, loops); },
      diagnostics, /*rowSums=*/loops == CpuLoops::GpuLoopNests);
  if (!module) {
    error = "compiling group '" + group.label + "' failed: " + diagnostics;
    return nullptr;
  }
  std::unique_ptr<CompiledGroup> compiled(new CompiledGroup());
  compiled->phaseTable = readPhaseTable(*module);
  compiled->rowSums = loops == CpuLoops::GpuLoopNests;

  // SWEEP_JIT_IR=file writes the optimized LLVM IR (to check vectorization),
  // so it needs the optimizer to run: no cache then.
  const char *irPath = std::getenv("SWEEP_JIT_IR");
  if (irPath)
    cache = nullptr;
  std::string key = cache ? objectKey(*module) : "";
  LoadedGroupObject loaded;
  if (cache && loadCachedGroup(*cache, key, group.label, groupRuntimeSymbols, loaded)) {
    compiled->loadedObject = std::move(loaded.jit);
    compiled->trainStepFn = loaded.trainStep;
    compiled->evaluateFn = loaded.evaluate;
    compiled->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return compiled;
  }

  // The host's target machine: without it LLVM's optimizer has no cost model
  // for this CPU's vector units and does not vectorize at all.
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) {
    error = "JIT: cannot describe this CPU: " + llvm::toString(builder.takeError());
    return nullptr;
  }
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  auto machine = builder->createTargetMachine();
  if (!machine) {
    error = "JIT: no target machine for this CPU: " + llvm::toString(machine.takeError());
    return nullptr;
  }
  mlir::ExecutionEngineOptions options;
  // -O2: the heavy products run in runtime/kernels, and -O3 doubled the
  // compile time of a group for no measurable gain on the remaining loops.
  llvm::TargetMachine *target = machine->get();
  auto transformer = [&](llvm::Module *llvmModule) -> llvm::Error {
    if (llvm::Error error = optimizeGroupModule(*llvmModule, target))
      return error;
    if (irPath) {
      // A developer's dump: its failure is said, the compile goes on.
      std::error_code code;
      std::string problem;
      llvm::raw_fd_ostream out(irPath, code);
      if (code)
        problem = "cannot write '" + std::string(irPath) + "': " + code.message();
      else
        llvmModule->print(out, nullptr);
      if (!problem.empty() || !closeChecked(out, irPath, problem))
        llvm::errs() << "sweepc: warning: SWEEP_JIT_IR: " << problem << "\n";
    }
    return llvm::Error::success();
  };
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
  // The engine keeps the object it compiles only when asked to.
  chooseJitEventListeners(options);
  options.enableObjectDump = cache != nullptr;
  auto engine = mlir::ExecutionEngine::create(*module, options, std::move(*machine));
  if (!engine) {
    error = "JIT of group '" + group.label + "' failed: " + llvm::toString(engine.takeError());
    return nullptr;
  }
  compiled->engine = std::move(*engine);
  compiled->engine->registerSymbols(groupRuntimeSymbols);
  if (!lookupGroupEntryPoints(*compiled->engine, compiled->trainStepFn, compiled->evaluateFn,
                              error))
    return nullptr;
  if (cache)
    storeCompiledGroup(*cache, key, group.label, *compiled->engine);
  compiled->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return compiled;
}
