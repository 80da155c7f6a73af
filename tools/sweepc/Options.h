//===- Options.h - the categories sweepc's options belong to ----*- C++ -*-===//
//
// `sweepc --help` lists these categories alone: the LLVM and MLIR options that
// linking libLLVM and libMLIR registers (hundreds) stay usable but unlisted
// (`--mlir-print-ir-after-all` and the like, for debugging the compiler).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_OPTIONS_H
#define SWEEP_TOOLS_SWEEPC_OPTIONS_H

#include "llvm/Support/CommandLine.h"

namespace sweep {

/// -emit, -o and the other options of every command.
inline llvm::cl::OptionCategory &sweepcOptions() {
  static llvm::cl::OptionCategory category("sweepc options");
  return category;
}

/// The options of `sweepc run` (RunCommand.cpp).
inline llvm::cl::OptionCategory &runOptions() {
  static llvm::cl::OptionCategory category("sweepc run options");
  return category;
}

/// The options of `sweepc build` (BuildCommand.cpp); it takes the run
/// options that decide what is compiled (--device, --jobs, --runs-per-program,
/// --sweep) too.
inline llvm::cl::OptionCategory &buildOptions() {
  static llvm::cl::OptionCategory category("sweepc build options");
  return category;
}

/// The options of `sweepc report` (ReportCommand.cpp).
inline llvm::cl::OptionCategory &reportOptions() {
  static llvm::cl::OptionCategory category("sweepc report options");
  return category;
}

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_OPTIONS_H
