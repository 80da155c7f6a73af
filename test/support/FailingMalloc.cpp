//===- FailingMalloc.cpp - an LD_PRELOAD library whose malloc runs out ----===//
//
// Memory that runs out at a chosen moment, the same moment every time: with
// SWEEP_FAIL_MALLOC_AFTER=N the process's first N allocations through malloc,
// calloc and realloc succeed and every later one returns null (ENOMEM), in
// every thread, as when an address-space limit is reached for good. A test
// then checks that the process ends with its out-of-memory error wherever the
// N-th allocation falls (the parser, MLIR's dialects, LLVM, the runtime).
// Unset, nothing fails. SWEEP_COUNT_MALLOC=1 prints the count at exit, to
// choose N.
//
//===----------------------------------------------------------------------===//

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <dlfcn.h>

extern "C" void *__libc_malloc(size_t);
extern "C" void *__libc_calloc(size_t, size_t);
extern "C" void *__libc_realloc(void *, size_t);

namespace {
using MallocFn = void *(*)(size_t);
using CallocFn = void *(*)(size_t, size_t);
using ReallocFn = void *(*)(void *, size_t);

std::atomic<unsigned long long> calls{0};
// Read once, at the first allocation: getenv allocates nothing.
unsigned long long failAfter = ~0ull;
std::atomic<bool> configured{false};

void configure() {
  if (configured.load(std::memory_order_acquire))
    return;
  if (const char *text = std::getenv("SWEEP_FAIL_MALLOC_AFTER"))
    failAfter = std::strtoull(text, nullptr, 10);
  configured.store(true, std::memory_order_release);
}

/// Whether this allocation is one past the N-th.
bool fails() {
  configure();
  return calls.fetch_add(1, std::memory_order_relaxed) >= failAfter;
}

struct CountAtExit {
  ~CountAtExit() {
    if (std::getenv("SWEEP_COUNT_MALLOC"))
      std::fprintf(stderr, "failing-malloc: %llu allocations\n", calls.load());
  }
} countAtExit;
} // namespace

// The next definitions in the lookup order are glibc's, whose __libc_ names
// reach them without dlsym (which may itself allocate).
extern "C" void *malloc(size_t size) {
  if (fails()) {
    errno = ENOMEM;
    return nullptr;
  }
  return __libc_malloc(size);
}

extern "C" void *calloc(size_t count, size_t size) {
  if (fails()) {
    errno = ENOMEM;
    return nullptr;
  }
  return __libc_calloc(count, size);
}

extern "C" void *realloc(void *block, size_t size) {
  if (size > 0 && fails()) {
    errno = ENOMEM;
    return nullptr;
  }
  return __libc_realloc(block, size);
}
