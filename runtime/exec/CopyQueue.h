//===- CopyQueue.h - copies to a program's memory the host does not wait for -*- C++ -*-===//
//
// A GPU copies host memory to the device with its copy engines while its
// kernels run. A program whose code reads device memory uses that to double-
// buffer its minibatches (GroupProgram::prefetch): the next step's batch is
// on its way while the current step computes, so a step does not start with
// a copy. The queue is what it needs from the memory its buffers live in
// (BufferSpace::copyQueue), one per program:
//
//  - staging memory on the host that a copy can start from and the host can
//    go on (pinned memory for a GPU: a copy from pageable memory makes the
//    host wait while the driver stages it);
//  - copies started in order, and fences: wait(fence) returns once every
//    copy started before the fence has landed, not the ones after it (the
//    step after next may already be on its way).
//
// The host must not change a copy's source, nor read or reuse its target,
// until a fence taken after it has been waited for. The synchronous queue
// (synchronousCopyQueue) copies at once, for memory that has no copy engine.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_COPYQUEUE_H
#define SWEEP_RUNTIME_EXEC_COPYQUEUE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace sweep {

class BufferSpace;

class CopyQueue {
public:
  virtual ~CopyQueue() = default;
  /// Host memory a copy can start from without the host waiting; null (and
  /// an error kept, read with takeError) when there is none.
  virtual void *allocateStaging(size_t bytes) = 0;
  virtual void releaseStaging(void *pointer) = 0;
  /// Starts copying `bytes` from `from` (staging memory) to `to` (the
  /// space's memory), after the copies started before it; false (and an
  /// error kept) when it could not.
  virtual bool start(void *to, const void *from, size_t bytes) = 0;
  /// A mark after every copy started so far (fences increase from 1), or 0
  /// (and an error kept) when none could be made.
  virtual uint64_t fence() = 0;
  /// Returns once the copies started before `fence` have landed.
  virtual void wait(uint64_t fence) = 0;
  /// The first failure since the last call ("" when none).
  virtual std::string takeError() { return ""; }
};

/// Copies with the space's own copy, at once; staging memory is host memory.
std::unique_ptr<CopyQueue> synchronousCopyQueue(BufferSpace &space);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COPYQUEUE_H
