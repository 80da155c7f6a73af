//===- DeviceBufferSpace.cpp - device memory for compiled programs --------===//

#include "runtime/cuda/DeviceBufferSpace.h"

#include "runtime/cuda/DeviceCopyQueue.h"

using namespace sweep::cuda;

void DeviceBufferSpace::copy(void *to, const void *from, size_t bytes) {
  if (bytes == 0)
    return;
  mgpuMemcpy(to, const_cast<void *>(from), bytes, perThreadStream());
  mgpuStreamSynchronize(perThreadStream());
}

std::unique_ptr<sweep::CopyQueue> DeviceBufferSpace::copyQueue() {
  return std::make_unique<DeviceCopyQueue>(runtime);
}
