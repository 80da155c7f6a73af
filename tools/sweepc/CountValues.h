//===- CountValues.h - counts given to sweepc's options are digits -*- C++ -*-===//
//
// llvm::cl reports a count it cannot read itself, on its own stream and in
// its own words ("sweepc: for the --top option: '-1' value invalid for uint
// argument!"), with no "error:" as every other error of sweepc has. The
// count options are read here first and refused as the built executables
// refuse them.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_COUNTVALUES_H
#define SWEEP_TOOLS_SWEEPC_COUNTVALUES_H

namespace sweep {

/// False, with an error printed, when a count option (--top, --jobs,
/// --threads, --streams, --save-weights, --runs-per-program) is given
/// something other than digits. Call before llvm::cl parses the arguments.
bool checkCountValues(int argc, char **argv);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_COUNTVALUES_H
