//===- OptionScope.h - which command reads which option ----------*- C++ -*-===//
//
// sweepc's options are global (llvm::cl), so `sweepc check F --resume` or
// `sweepc run F --target-cpu=x` parsed and did nothing, silently. Each option
// that some command has no use for is listed here with the commands that read
// it; given to another, it is an error that names the commands it belongs to.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_OPTIONSCOPE_H
#define SWEEP_TOOLS_SWEEPC_OPTIONSCOPE_H

#include "llvm/ADT/StringRef.h"

namespace sweep {

/// False, with an error printed, when an option given on the command line
/// is one `command` ("run", "build", "data", "report", "check", "plan", or
/// "-emit=STAGE" for the other stages) does not read.
bool checkOptionsApply(llvm::StringRef command);

/// Hides from --help every sweepc option `command` does not read, so that
/// `sweepc run --help` lists run's options alone.
void hideOptionsOtherThan(llvm::StringRef command);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_OPTIONSCOPE_H
