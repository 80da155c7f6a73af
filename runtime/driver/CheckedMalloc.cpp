//===- CheckedMalloc.cpp - malloc that never returns null to MLIR ---------===//
//
// MLIR calls malloc without checking the result (the models of its dialects'
// interfaces, among others), so memory that ran out there, under an
// address-space limit (`ulimit -v`, SGE's h_vmem, Slurm's VSizeFactor), was a
// SIGSEGV and LLVM's "PLEASE submit a bug report". This file defines malloc,
// calloc and realloc in the sweepc executable, where they take precedence over
// the C library's for every library in the process: each calls the definition
// that comes next (the C library's, or an allocator the user preloads) and
// ends the process with sweepc's out-of-memory error where that returns null.
// Linked into sweepc alone, as an object: an archive member would not be
// pulled in by the symbol lookup, and a sanitizer build brings its own malloc.
// test/Lang/driver/out-of-memory-anywhere.test runs out at allocations all
// through a compile and a sweep.
//
//===----------------------------------------------------------------------===//

#include "runtime/driver/FatalErrors.h"

#include <atomic>
#include <cstddef>

#include <dlfcn.h>

extern "C" void *__libc_malloc(size_t);
extern "C" void *__libc_calloc(size_t, size_t);
extern "C" void *__libc_realloc(void *, size_t);

namespace {
/// The next definition of `name` after this executable's; the C library's own
/// while dlsym is looking it up (dlsym may allocate), or where there is none.
template <typename Function>
Function next(std::atomic<Function> &cache, const char *name, Function libc) {
  if (Function found = cache.load(std::memory_order_acquire))
    return found;
  static thread_local bool resolving = false;
  if (resolving)
    return libc;
  resolving = true;
  auto found = reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
  resolving = false;
  if (!found)
    found = libc;
  cache.store(found, std::memory_order_release);
  return found;
}

using MallocFn = void *(*)(size_t);
using CallocFn = void *(*)(size_t, size_t);
using ReallocFn = void *(*)(void *, size_t);
std::atomic<MallocFn> nextMalloc{nullptr};
std::atomic<CallocFn> nextCalloc{nullptr};
std::atomic<ReallocFn> nextRealloc{nullptr};
} // namespace

// A null result for a zero size is no failure (the C standard allows it;
// realloc(p, 0) frees p).
extern "C" void *malloc(size_t size) {
  void *block = next(nextMalloc, "malloc", &__libc_malloc)(size);
  if (!block && size)
    sweep::reportOutOfMemory();
  return block;
}

extern "C" void *calloc(size_t count, size_t size) {
  void *block = next(nextCalloc, "calloc", &__libc_calloc)(count, size);
  if (!block && count && size)
    sweep::reportOutOfMemory();
  return block;
}

extern "C" void *realloc(void *old, size_t size) {
  void *block = next(nextRealloc, "realloc", &__libc_realloc)(old, size);
  if (!block && size)
    sweep::reportOutOfMemory();
  return block;
}
