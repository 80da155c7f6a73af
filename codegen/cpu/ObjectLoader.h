//===- ObjectLoader.h - a cached group's object back in a JIT ---*- C++ -*-===//
//
// The other half of the compile cache (CompileCache.h), shared by the CPU's
// and the GPU's JIT: the machine code an mlir::ExecutionEngine compiled is
// stored under a key, and loaded later into an ORC JIT of its own, linked as
// the ExecutionEngine links what it compiles (RuntimeDyld with a section
// memory manager, the process's symbols, and the runtime functions the code
// calls). The entry points are the ExecutionEngine's packed wrappers.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_OBJECTLOADER_H
#define SWEEP_CODEGEN_CPU_OBJECTLOADER_H

#include "codegen/cpu/CompileCache.h"

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace sweep {

/// The functions besides libc's that a group's code calls, by name.
using RuntimeSymbols = llvm::function_ref<llvm::orc::SymbolMap(llvm::orc::MangleAndInterner)>;

/// A group's code loaded from the compile cache.
struct LoadedGroupObject {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  void (*trainStep)(void **) = nullptr;
  void (*evaluate)(void **) = nullptr;
};

/// Loads the object `cache` holds under `key`, resolving its calls to
/// `symbols`. False when there is none, or when it cannot be loaded: then the
/// entry is dropped, with a warning that names the group `label`, and the
/// caller compiles (and stores the code again).
bool loadCachedGroup(CompileCache &cache, const std::string &key, const std::string &label,
                     RuntimeSymbols symbols, LoadedGroupObject &out);

/// Stores under `key` the object `engine` compiled (created with
/// enableObjectDump, after its entry points were looked up). A store that
/// fails (a full disk) is a warning naming the group `label`: the cache only
/// saves compiling again.
void storeCompiledGroup(CompileCache &cache, const std::string &key, const std::string &label,
                        mlir::ExecutionEngine &engine);

/// The host's CPU, its features and LLVM's version: what every cache key of
/// code compiled for this host includes.
std::string hostCodeIdentity();

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_OBJECTLOADER_H
