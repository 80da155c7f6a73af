//===- DeviceBufferSpace.cpp - device memory for compiled programs --------===//

#include "runtime/cuda/DeviceBufferSpace.h"

#include "runtime/cuda/DeviceCopyQueue.h"

using namespace sweep::cuda;

sweep::MemoryLimit DeviceBufferSpace::capacity() {
  size_t free = 0, total = 0;
  std::string why;
  MemoryLimit limit;
  if (runtime.context().memory(free, total, why)) {
    limit.bytes = total;
    limit.source = "the GPU's memory";
  }
  return limit;
}

bool DeviceBufferSpace::freeBytes(uint64_t &bytes) {
  size_t free = 0, total = 0;
  std::string why;
  if (!runtime.context().memory(free, total, why))
    return false;
  bytes = free;
  return true;
}

void DeviceBufferSpace::copy(void *to, const void *from, size_t bytes) {
  if (bytes == 0)
    return;
  mgpuMemcpy(to, const_cast<void *>(from), bytes, perThreadStream());
  mgpuStreamSynchronize(perThreadStream());
}

void DeviceBufferSpace::zero(void *to, size_t bytes) {
  if (bytes % 4 != 0) // Every buffer of a program holds 4- or 8-byte numbers.
    return BufferSpace::zero(to, bytes);
  mgpuMemset32(to, 0, bytes / 4, perThreadStream());
  mgpuStreamSynchronize(perThreadStream());
}

void DeviceBufferSpace::hostWork(const std::string &what, double seconds) {
  if (LaunchProfile *profile = runtime.profile())
    profile->add("host: " + what, seconds);
}

std::unique_ptr<sweep::CopyQueue> DeviceBufferSpace::copyQueue() {
  return std::make_unique<DeviceCopyQueue>(runtime);
}
