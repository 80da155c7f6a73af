//===- FatalErrors.h - clear errors where a process cannot go on -*- C++ -*-===//
//
// A sweep holds memory in proportion to its runs (10 million runs take
// gigabytes to plan), and it starts threads. When an allocation fails, or a
// thread cannot start, the default was an abort: "terminate called after
// throwing", or LLVM's "LLVM ERROR: out of memory" and a stack dump. These
// handlers say what failed and what the process was doing, and exit with
// status 1. `sweepc` and `sweepc build` executables install them first thing.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_FATALERRORS_H
#define SWEEP_RUNTIME_DRIVER_FATALERRORS_H

#include <cstddef>
#include <string>

namespace sweep {

/// Installs the new handler and the terminate handler, and ignores SIGXFSZ
/// (a file size limit then fails the write, with an error, instead of ending
/// the process); `program` starts their messages ("sweepc: error: ...").
void installFatalErrorHandlers(const std::string &program);

/// What the process is doing, for the messages ("planning sweep 'big'
/// (10000000 runs)"); "" when nothing in particular. Copied now: the
/// handlers allocate nothing.
void setOutOfMemoryContext(const std::string &doing);
/// "<doing> sweep '<name>' (<runs> runs)".
void setOutOfMemoryContext(const std::string &doing, const std::string &sweep, size_t runs);

/// Says that memory ran out (with the context) and exits with status 1.
[[noreturn]] void reportOutOfMemory();

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_FATALERRORS_H
