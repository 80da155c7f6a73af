//===- JitEventListeners.h - which tools hear of JIT-compiled code -*- C++ -*-===//
//
// MLIR's ExecutionEngine registers LLVM's perf listener unless told not to:
// every JIT-compiled program was then written out as a perf jitdump file under
// ~/.debug/jit (about 100 KB a run, kept forever). sweepc writes them only when
// $SWEEPC_PERF_JITDUMP is set, for profiling the JIT's code with `perf record
// -k 1` and `perf inject --jit`. GDB's listener stays: it writes no file, and a
// debugger then sees the JIT's functions.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_JITEVENTLISTENERS_H
#define SWEEP_CODEGEN_CPU_JITEVENTLISTENERS_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"

#include <cstdlib>
#include <string>

namespace sweep {

inline void chooseJitEventListeners(mlir::ExecutionEngineOptions &options) {
  const char *asked = std::getenv("SWEEPC_PERF_JITDUMP");
  options.enablePerfNotificationListener = asked && *asked && std::string(asked) != "0";
}

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_JITEVENTLISTENERS_H
