//===- DeviceBufferSpace.h - device memory for compiled programs -*- C++ -*-===//
//
// GPU code reads and writes device memory only: a CompiledProgram
// (runtime/exec/CompiledProgram.h) over this space keeps the parameters and
// optimizer state on the device for the whole training, and copies each
// step's minibatch, masks and hyperparameters in and its loss rows out.
// Copies go through the legacy default stream and wait for it, so a kernel
// launched on the host code's stream afterwards sees the data, and the host
// sees a kernel's results after the copy back. Minibatches copied ahead go
// through each program's DeviceCopyQueue instead, on a stream of its own.
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
  bool isHost() const override { return false; }
  std::string takeError() override { return runtime.takeError(); }
  std::unique_ptr<CopyQueue> copyQueue() override;

private:
  GpuRuntime &runtime;
};

} // namespace sweep::cuda

#endif // SWEEP_RUNTIME_CUDA_DEVICEBUFFERSPACE_H
