//===- ProgramHeap.cpp - the host memory compiled programs hold -----------===//

#include "runtime/kernels/ProgramHeap.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <malloc.h>

using namespace sweep;

namespace {
std::atomic<uint64_t> inUse{0};
std::atomic<uint64_t> peak{0};

void raisePeak(uint64_t now) {
  uint64_t seen = peak.load(std::memory_order_relaxed);
  while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
}
} // namespace

void *programHeap::allocate(size_t bytes, size_t alignment) {
  alignment = std::max<size_t>(alignment, alignof(std::max_align_t));
  // aligned_alloc wants a multiple of the alignment.
  size_t rounded = (std::max<size_t>(bytes, 1) + alignment - 1) / alignment * alignment;
  void *block;
  // Regression: a null block went to generated code and the kernels, which
  // wrote through it (SIGSEGV and LLVM's stack dump under `ulimit -v`).
  while (!(block = std::aligned_alloc(alignment, rounded))) {
    std::new_handler handler = std::get_new_handler();
    if (!handler) {
      std::fputs("out of memory for a compiled program's buffers\n", stderr);
      std::abort();
    }
    handler();
  }
  // What the block really takes (glibc rounds up), so that release subtracts
  // exactly what was added.
  uint64_t size = malloc_usable_size(block);
  raisePeak(inUse.fetch_add(size, std::memory_order_relaxed) + size);
  return block;
}

void programHeap::release(void *block) {
  if (!block)
    return;
  inUse.fetch_sub(malloc_usable_size(block), std::memory_order_relaxed);
  std::free(block);
}

uint64_t programHeap::bytesInUse() { return inUse.load(std::memory_order_relaxed); }

uint64_t programHeap::peakBytes() { return peak.load(std::memory_order_relaxed); }

void programHeap::resetPeak() { peak.store(inUse.load(std::memory_order_relaxed)); }

void *_mlir_memref_to_llvm_alloc(size_t bytes) {
  return programHeap::allocate(bytes, alignof(std::max_align_t));
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t bytes) {
  return programHeap::allocate(bytes, alignment);
}

void _mlir_memref_to_llvm_free(void *block) { programHeap::release(block); }
