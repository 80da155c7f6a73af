//===- ObjectEmitter.cpp - a compiled group as an object file -------------===//

#include "codegen/cpu/ObjectEmitter.h"
#include "codegen/cpu/CheckedOutput.h"

#include "codegen/cpu/FoldEntryPoints.h"
#include "codegen/cpu/OptimizeModule.h"

#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

namespace {
/// Renames the C entry points to `prefix` + name and internalizes the rest.
void prefixEntryPoints(llvm::Module &module, const std::string &prefix) {
  const llvm::StringRef entry = "_mlir_ciface_";
  for (llvm::Function &function : module.functions()) {
    if (function.isDeclaration())
      continue;
    if (function.getName().starts_with(entry))
      function.setName(prefix + function.getName().drop_front(entry.size()).str());
    else
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  for (llvm::GlobalVariable &global : module.globals())
    if (!global.isDeclaration() && !global.getName().starts_with("llvm."))
      global.setLinkage(llvm::GlobalValue::InternalLinkage);
}
} // namespace

static void initializeNativeTarget() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// This machine's target (x86-64), its triple in `triple`; null with `error`.
static const llvm::Target *hostTarget(std::string &triple, std::string &error) {
  initializeNativeTarget();
  triple = llvm::sys::getDefaultTargetTriple();
  return llvm::TargetRegistry::lookupTarget(triple, error);
}

/// The CPU `cpu` names: "native" is this machine's.
static std::string cpuNamed(const std::string &cpu) {
  return cpu == "native" ? llvm::sys::getHostCPUName().str() : cpu;
}

bool sweep::checkTargetCpu(const std::string &cpu, std::string &problem) {
  std::string triple;
  const llvm::Target *target = hostTarget(triple, problem);
  if (!target)
    return false;
  std::string name = cpuNamed(cpu);
  // Asked of a CPU LLVM knows: an unknown name would print LLVM's own warning.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "x86-64", ""));
  if (!generic || !generic->isCPUStringValid(name)) {
    problem = "--target-cpu=" + cpu + ": this LLVM knows no x86-64 CPU of that name (x86-64, "
              "x86-64-v2, x86-64-v3, x86-64-v4, native, or one such as skylake-avx512 or znver3)";
    return false;
  }
  // A 32-bit CPU (pentium4) ended LLVM with "64-bit code requested on a
  // subtarget that doesn't support it".
  std::unique_ptr<llvm::MCSubtargetInfo> info(target->createMCSubtargetInfo(triple, name, ""));
  if (!info || !info->checkFeatures("+64bit")) {
    problem = "--target-cpu=" + cpu + ": '" + name + "' is a 32-bit CPU; sweepc builds x86-64 code";
    return false;
  }
  return true;
}

bool sweep::emitObjectFile(mlir::ModuleOp module, const std::string &path, const std::string &cpu,
                           std::string &error, const std::string &entryPrefix,
                           const std::function<void(llvm::Module &)> &editIR) {
  initializeNativeTarget();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule = mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    error = "cannot translate the group's module to LLVM IR";
    return false;
  }
  if (editIR)
    editIR(*llvmModule);
  // Before the entry points are renamed: folding finds them by their names.
  foldEntryPointsIntoCInterfaces(*llvmModule);
  if (!entryPrefix.empty())
    prefixEntryPoints(*llvmModule, entryPrefix);
  std::string triple;
  const llvm::Target *target = hostTarget(triple, error);
  if (!target)
    return false;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpuNamed(cpu), "", llvm::TargetOptions(), llvm::Reloc::PIC_));
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  if (llvm::Error failure = optimizeGroupModule(*llvmModule, machine.get())) {
    error = llvm::toString(std::move(failure));
    return false;
  }
  std::error_code code;
  llvm::raw_fd_ostream out(path, code, llvm::sys::fs::OF_None);
  if (code) {
    error = "cannot write '" + path + "': " + code.message();
    return false;
  }
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    error = "this LLVM cannot emit object files for " + triple;
    return false;
  }
  passes.run(*llvmModule);
  if (closeChecked(out, path, error))
    return true;
  // Not a truncated object left behind for a linker to trip on.
  llvm::sys::fs::remove(path);
  return false;
}
