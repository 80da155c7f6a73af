//===- SeparateValues.h - an option is never another option's value -*- C++ -*-===//
//
// llvm::cl takes the argument after `--results` as its value whatever it is:
// `sweepc run F --results --resume` trained from scratch into a folder named
// `--resume` and never resumed. An option that needs a value followed by an
// argument that looks like an option is an error; `-` (the standard input or
// output) and `-1` (a number, refused or not by the option itself) are
// values, and `--results=-x` still gives one that begins with '-'.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_SEPARATEVALUES_H
#define SWEEP_TOOLS_SWEEPC_SEPARATEVALUES_H

namespace sweep {

/// False, with an error printed, when an option of the command line that
/// needs a value is followed by an option instead. Call before llvm::cl
/// parses the arguments.
bool checkSeparateValues(int argc, char **argv);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_SEPARATEVALUES_H
