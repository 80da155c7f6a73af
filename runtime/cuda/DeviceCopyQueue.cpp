//===- DeviceCopyQueue.cpp - host-to-device copies on a copy stream -------===//

#include "runtime/cuda/DeviceCopyQueue.h"

#include <chrono>

using namespace sweep::cuda;

DeviceCopyQueue::~DeviceCopyQueue() {
  // A runtime closed first took its context, and everything made in it, along.
  if (GpuRuntime::current() != &runtime || !runtime.enterThread())
    return;
  const DriverApi &api = runtime.driver().api();
  for (const Fence &fence : pending) {
    api.eventSynchronize(fence.event);
    api.eventDestroy(fence.event);
  }
  if (stream)
    api.streamSynchronize(stream); // Copies started after the last fence.
  for (CUevent event : idle)
    api.eventDestroy(event);
  for (void *block : staging)
    api.memFreeHost(block);
  if (stream)
    api.streamDestroy(stream);
}

bool DeviceCopyQueue::check(int code, const char *call) {
  std::string why;
  return runtime.driver().check(code, call, why) || runtime.fail(why);
}

bool DeviceCopyQueue::ready() {
  if (!runtime.enterThread())
    return false;
  return stream ||
         check(runtime.driver().api().streamCreate(&stream, CU_STREAM_NON_BLOCKING),
               "cuStreamCreate");
}

void *DeviceCopyQueue::allocateStaging(size_t bytes) {
  if (!runtime.enterThread())
    return nullptr;
  void *block = nullptr;
  if (!check(runtime.driver().api().memHostAlloc(&block, bytes ? bytes : 1, 0),
             "cuMemHostAlloc"))
    return nullptr;
  staging.insert(block);
  return block;
}

void DeviceCopyQueue::releaseStaging(void *pointer) {
  if (!pointer || !staging.erase(pointer))
    return;
  if (GpuRuntime::current() == &runtime && runtime.enterThread())
    check(runtime.driver().api().memFreeHost(pointer), "cuMemFreeHost");
}

bool DeviceCopyQueue::start(void *to, const void *from, size_t bytes) {
  if (!ready())
    return false;
  if (bytes && !check(runtime.driver().api().memcpyHtoDAsync(
                          CUdeviceptr(reinterpret_cast<uintptr_t>(to)), from, bytes, stream),
                      "cuMemcpyHtoDAsync"))
    return false;
  bytesSinceFence += bytes;
  return true;
}

uint64_t DeviceCopyQueue::fence() {
  if (!ready())
    return 0;
  const DriverApi &api = runtime.driver().api();
  CUevent event = nullptr;
  if (!idle.empty()) {
    event = idle.back();
    idle.pop_back();
  } else if (!check(api.eventCreate(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate")) {
    return 0;
  }
  if (!check(api.eventRecord(event, stream), "cuEventRecord")) {
    idle.push_back(event);
    return 0;
  }
  pending.push_back({++fences, event, bytesSinceFence});
  bytesSinceFence = 0;
  return fences;
}

void DeviceCopyQueue::wait(uint64_t fence) {
  if (pending.empty() || pending.front().number > fence || !runtime.enterThread())
    return;
  const DriverApi &api = runtime.driver().api();
  LaunchProfile *profile = runtime.profile();
  auto begin = std::chrono::steady_clock::now();
  size_t bytes = 0;
  while (!pending.empty() && pending.front().number <= fence) {
    Fence landed = pending.front();
    pending.pop_front();
    // The error kept stops the group at the trainer's next check.
    if (!check(api.eventSynchronize(landed.event), "cuEventSynchronize")) {
      api.eventDestroy(landed.event);
      return;
    }
    idle.push_back(landed.event);
    bytes += landed.bytes;
  }
  if (profile)
    profile->add("host waiting for a minibatch copied ahead",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count(),
                 bytes);
}
