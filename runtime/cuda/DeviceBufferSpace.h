//===- DeviceBufferSpace.h - device memory for compiled programs -*- C++ -*-===//
//
// GPU code reads and writes device memory only: a CompiledProgram
// (runtime/exec/CompiledProgram.h) over this space keeps the parameters and
// optimizer state on the device for the whole training, and copies each
// step's minibatch, masks and hyperparameters in and its loss rows out.
// Copies go through the calling thread's default stream and the host waits
// for them, so a kernel launched on the host code's stream afterwards sees
// the data, and the host code has waited for its kernels before the copy
// back. Not the legacy default stream: it waits for every blocking stream of
// the context, so one program's small copies would wait for the kernels of
// the programs training beside it (--streams) and stall them in turn.
// Minibatches copied ahead go through each program's DeviceCopyQueue, on a
// stream of its own.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_CUDA_DEVICEBUFFERSPACE_H
#define SWEEP_RUNTIME_CUDA_DEVICEBUFFERSPACE_H

#include "runtime/cuda/GpuRuntime.h"
#include "runtime/exec/CompiledProgram.h"

namespace sweep::cuda {

class DeviceBufferSpace : public BufferSpace {
public:
  explicit DeviceBufferSpace(GpuRuntime &runtime) : runtime(runtime) {}
  void *allocate(size_t bytes) override { return runtime.allocate(bytes); }
  void release(void *pointer) override { runtime.release(pointer); }
  void copy(void *to, const void *from, size_t bytes) override;
  /// On the device (cuMemsetD32Async), nothing copied over.
  void zero(void *to, size_t bytes) override;
  bool isHost() const override { return false; }
  void hostWork(const std::string &what, double seconds) override;
  std::string takeError() override { return runtime.takeError(); }
  std::unique_ptr<CopyQueue> copyQueue() override;
  /// The device's total memory (0, unknown, when the driver cannot say).
  MemoryLimit capacity() override;
  /// The device's free memory (cuMemGetInfo).
  bool freeBytes(uint64_t &bytes) override;

private:
  GpuRuntime &runtime;
};

} // namespace sweep::cuda

#endif // SWEEP_RUNTIME_CUDA_DEVICEBUFFERSPACE_H
