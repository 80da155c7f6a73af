//===- CopyQueue.cpp - the queue of memory without a copy engine ----------===//

#include "runtime/exec/CopyQueue.h"

#include "runtime/exec/CompiledProgram.h"
#include "runtime/kernels/ProgramHeap.h"

using namespace sweep;

namespace {
/// Copies at once with the space's copy; a fence has nothing to wait for.
class SynchronousCopyQueue : public CopyQueue {
public:
  explicit SynchronousCopyQueue(BufferSpace &space) : space(space) {}
  void *allocateStaging(size_t bytes) override { return programHeap::allocate(bytes, 64); }
  void releaseStaging(void *pointer) override { programHeap::release(pointer); }
  bool start(void *to, const void *from, size_t bytes) override {
    space.copy(to, from, bytes);
    return true; // A failed copy is kept by the space, for the program's check.
  }
  uint64_t fence() override { return ++fences; }
  void wait(uint64_t) override {}

private:
  BufferSpace &space;
  uint64_t fences = 0;
};
} // namespace

std::unique_ptr<CopyQueue> sweep::synchronousCopyQueue(BufferSpace &space) {
  return std::make_unique<SynchronousCopyQueue>(space);
}
