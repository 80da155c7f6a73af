//===- ObjectEmitter.h - a compiled group as an object file -----*- C++ -*-===//
//
// Ahead-of-time code for a group: its LLVM-dialect module translated to LLVM
// IR and compiled for x86-64 into a relocatable object, with the same C entry
// points (`_mlir_ciface_train_step`, `_mlir_ciface_evaluate`) as the JIT
// uses. `sweepc build` links such objects with the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_OBJECTEMITTER_H
#define SWEEP_CODEGEN_CPU_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace sweep {

/// Writes `module` (in the LLVM dialect) as an object file at `path`, for
/// `cpu` ("x86-64-v2" runs on any x86-64 of the last decade; "native" is this
/// machine). Returns false with `error` set on failure.
///
/// With an `entryPrefix` the object can be linked with others of the same
/// kind: the C entry points `_mlir_ciface_NAME` become `PREFIXNAME`, and
/// every other function and global the module defines becomes internal.
/// `editIR`, when given, changes the LLVM IR before it is optimized (the
/// GPU's host code: codegen/nvptx/LoadModulesOnce.h).
/// Whether `cpu` names an x86-64 CPU this LLVM compiles for (or "native");
/// false with `problem` for an unknown name or a 32-bit CPU.
bool checkTargetCpu(const std::string &cpu, std::string &problem);

bool emitObjectFile(mlir::ModuleOp module, const std::string &path, const std::string &cpu,
                    std::string &error, const std::string &entryPrefix = "",
                    const std::function<void(llvm::Module &)> &editIR = nullptr);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_OBJECTEMITTER_H
