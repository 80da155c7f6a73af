//===- OutOfMemory.h - a clear error when memory runs out -------*- C++ -*-===//
//
// A sweep's front end and runtime hold memory in proportion to its runs (10
// million runs take gigabytes to plan). When an allocation fails, LLVM's own
// handler printed "LLVM ERROR: out of memory" and a stack dump; sweepc's says
// what it was doing and what to do, and exits with status 1.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_OUTOFMEMORY_H
#define SWEEP_TOOLS_SWEEPC_OUTOFMEMORY_H

#include <string>

namespace sweep {

/// Replaces LLVM's out-of-memory handler (call after llvm::InitLLVM).
void installOutOfMemoryHandler();

/// What the process is doing, for the message ("planning sweep 'big', 10000000
/// runs"); "" when nothing in particular. The text is copied now: the handler
/// allocates nothing.
void setOutOfMemoryContext(const std::string &doing);

/// "<doing> sweep '<name>' (<runs> runs)".
void setOutOfMemoryContext(const std::string &doing, const std::string &sweep, size_t runs);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_OUTOFMEMORY_H
