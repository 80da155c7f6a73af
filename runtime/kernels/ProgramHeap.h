//===- ProgramHeap.h - the host memory compiled programs hold -----*- C++ -*-===//
//
// `--max-memory` caps what the programs training at once hold. To know whether
// a sweep kept to it, every byte they hold on the host goes through here and
// is counted: their buffers (hostBufferSpace: weights, optimizer state, the
// minibatch) and the temporaries generated code allocates each step (the CPU
// pipeline lowers memref.alloc/dealloc to the _mlir_memref_to_llvm_* functions
// below, MLIR's use-generic-functions hook, instead of malloc and free). The
// high-water mark goes into summary.json and bench/memory/runs_10k.py checks
// it against the limit: the process's resident memory also holds LLVM, the
// data and the results, and varies by a few MiB from run to run, too much to
// check a 1 MiB limit with.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_PROGRAMHEAP_H
#define SWEEP_RUNTIME_EXEC_PROGRAMHEAP_H

#include <cstddef>
#include <cstdint>

namespace sweep {
namespace programHeap {

/// `bytes` aligned to `alignment` (a power of two), counted. When the system
/// has none, the new-handler is called, as operator new does (sweepc's and a
/// built executable's say what ran out and exit); without one, the process
/// says so and aborts. Never null: generated code writes through what it gets.
void *allocate(size_t bytes, size_t alignment);
/// Frees (and uncounts) a block from allocate; null is ignored.
void release(void *block);

/// Bytes held now, over every thread.
uint64_t bytesInUse();
/// The most held at once since the last resetPeak (or the start).
uint64_t peakBytes();
/// Starts a new high-water mark from what is held now (a sweep's start).
void resetPeak();

} // namespace programHeap
} // namespace sweep

// What generated code calls for memref.alloc and memref.dealloc (names fixed by
// MLIR's finalize-memref-to-llvm{use-generic-functions}).
extern "C" {
void *_mlir_memref_to_llvm_alloc(size_t bytes);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t bytes);
void _mlir_memref_to_llvm_free(void *block);
}

#endif // SWEEP_RUNTIME_EXEC_PROGRAMHEAP_H
