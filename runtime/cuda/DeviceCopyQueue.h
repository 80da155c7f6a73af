//===- DeviceCopyQueue.h - host-to-device copies on a copy stream -*- C++ -*-===//
//
// The CopyQueue (runtime/exec/CopyQueue.h) of device memory: a program's
// minibatches go to the GPU on a stream of their own while its kernels run
// on the host code's stream.
//
//  - The stream is non-blocking: the legacy default stream neither waits for
//    it nor makes it wait, so a copy ahead never stalls the current step
//    (the program's other copies use the thread's default stream, which
//    does not synchronize with other streams either).
//  - Staging memory is page-locked (cuMemHostAlloc): from pageable memory
//    the driver makes the host wait while it stages the bytes itself.
//  - A fence is an event recorded on the stream; waiting for it is
//    cuEventSynchronize, so the host waits for that copy and not for the
//    ones started after it. Events are reused once waited for.
//
// With $SWEEPC_GPU_PROFILE the launch profile counts the host's waits and
// their time: the part of the copies that the kernels did not hide.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_CUDA_DEVICECOPYQUEUE_H
#define SWEEP_RUNTIME_CUDA_DEVICECOPYQUEUE_H

#include "runtime/cuda/GpuRuntime.h"
#include "runtime/exec/CopyQueue.h"

#include <deque>
#include <set>
#include <vector>

namespace sweep::cuda {

class DeviceCopyQueue : public CopyQueue {
public:
  explicit DeviceCopyQueue(GpuRuntime &runtime) : runtime(runtime) {}
  /// Waits for the copies in flight, then frees the staging memory, the
  /// events and the stream.
  ~DeviceCopyQueue() override;

  void *allocateStaging(size_t bytes) override;
  void releaseStaging(void *pointer) override;
  bool start(void *to, const void *from, size_t bytes) override;
  uint64_t fence() override;
  void wait(uint64_t fence) override;
  std::string takeError() override { return runtime.takeError(); }

private:
  /// Whether the context is current on this thread and the stream made.
  /// (Not whether the runtime has failed: that error may be another
  /// program's, and a copy skipped silently would train on stale rows.)
  bool ready();
  bool check(int code, const char *call);

  struct Fence {
    uint64_t number;
    CUevent event;
    size_t bytes; ///< Copied between the fence before it and this one.
  };
  GpuRuntime &runtime;
  CUstream stream = nullptr;
  std::deque<Fence> pending;  ///< Recorded, not waited for, oldest first.
  std::vector<CUevent> idle;  ///< Waited for: reusable.
  std::set<void *> staging;   ///< Page-locked blocks this queue holds.
  uint64_t fences = 0;
  size_t bytesSinceFence = 0;
};

} // namespace sweep::cuda

#endif // SWEEP_RUNTIME_CUDA_DEVICECOPYQUEUE_H
