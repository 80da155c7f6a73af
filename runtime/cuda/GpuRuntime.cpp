//===- GpuRuntime.cpp - what GPU host code calls: the mgpu* functions ------===//

#include "runtime/cuda/GpuRuntime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>

using namespace sweep::cuda;

namespace {
std::unique_ptr<GpuRuntime> &instance() {
  static std::unique_ptr<GpuRuntime> runtime;
  return runtime;
}

/// The open runtime with no error kept, or null (and, when none is open, an
/// error nobody can read: the caller's check finds no runtime either).
GpuRuntime *usable() {
  GpuRuntime *runtime = GpuRuntime::current();
  return runtime && !runtime->failed() && runtime->enterThread() ? runtime : nullptr;
}

/// Runtimes opened so far; a thread remembers the one it made current.
std::atomic<uint64_t> openedRuntimes{0};
thread_local uint64_t runtimeOnThisThread = 0;

/// Seconds from `start` until `stream` is idle (the launch profile).
double waited(GpuRuntime &runtime, CUstream stream, std::chrono::steady_clock::time_point start) {
  runtime.driver().api().streamSynchronize(stream);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

CUdeviceptr address(const void *pointer) {
  return CUdeviceptr(reinterpret_cast<uintptr_t>(pointer));
}

/// A stream of its own, as the host code creates: not null (the host's use),
/// the legacy default stream (0x1) or CU_STREAM_PER_THREAD (0x2), handles
/// every thread shares with other meanings. Only such a stream's frees are
/// held until it drains.
bool ownStream(CUstream stream) { return reinterpret_cast<uintptr_t>(stream) > 0x2; }
} // namespace

GpuRuntime *GpuRuntime::open(const std::string &library, int ordinal, std::string &why) {
  close();
  std::unique_ptr<GpuRuntime> runtime(new GpuRuntime());
  runtime->driverHandle = Driver::load(library, why);
  if (!runtime->driverHandle)
    return nullptr;
  runtime->contextHandle = Context::open(*runtime->driverHandle, ordinal, why);
  if (!runtime->contextHandle) {
    why = "cannot use GPU " + std::to_string(ordinal) + ": " + why;
    return nullptr;
  }
  if (const char *profile = std::getenv("SWEEPC_GPU_PROFILE"); profile && *profile)
    runtime->profiler = std::make_unique<LaunchProfile>();
  runtime->generation = ++openedRuntimes;
  runtimeOnThisThread = runtime->generation; // Context::open made it current here.
  instance() = std::move(runtime);
  return instance().get();
}

GpuRuntime *GpuRuntime::openDeviceForRank(int localRank, DeviceInfo &info, std::string &why) {
  close();
  // The devices are listed without a context: one on GPU 0 would be taken
  // from the rank it belongs to. Regression: where each GPU takes one
  // process (exclusive-process mode, as on clusters), rank 1 failed with
  // "cannot use GPU 0: ... CUDA error 46" though GPU 1 was free; and a driver
  // that saw no device was "cannot use GPU 0: cuDeviceGet: ...".
  std::vector<DeviceInfo> devices;
  {
    std::unique_ptr<Driver> driver = Driver::load(driverLibrary(), why);
    if (!driver || !driver->devices(devices, why) || devices.empty()) {
      why = "no GPU: " + (why.empty() ? std::string("the CUDA driver sees no device") : why);
      return nullptr;
    }
  }
  size_t index = size_t(std::max(0, localRank)) % devices.size();
  GpuRuntime *runtime = open(driverLibrary(), int(index), why);
  if (!runtime)
    return nullptr; // "cannot use GPU <index>: ...": a GPU there, not usable.
  info = devices[index];
  return runtime;
}

GpuRuntime *GpuRuntime::current() { return instance().get(); }

void GpuRuntime::close() {
  std::unique_ptr<GpuRuntime> &runtime = instance();
  if (!runtime)
    return;
  if (runtime->profiler)
    std::fputs(runtime->profiler->report().c_str(), stderr);
  // Modules and buffers before the context, the context before the driver.
  for (const auto &[image, module] : runtime->modules)
    runtime->driver().api().moduleUnload(module);
  runtime->modules.clear();
  runtime->freedOnStream.clear();
  runtime->abandoned.clear();
  runtime->cache.clear();
  runtime->live.clear();
  runtime->contextHandle.reset();
  runtime.reset();
}

bool GpuRuntime::enterThread() {
  if (runtimeOnThisThread == generation)
    return true;
  std::string why;
  if (!contextHandle->makeCurrent(why))
    return fail(why);
  runtimeOnThisThread = generation;
  return true;
}

namespace {
/// The first failure of this thread's calls, and which runtime (openNumber)
/// it belongs to: a program trains on one thread, and its failure is its own.
struct ThreadError {
  uint64_t runtime = 0;
  std::string text;
};
thread_local ThreadError threadError;
} // namespace

std::string GpuRuntime::takeError() {
  std::string kept;
  if (threadError.runtime == generation)
    kept.swap(threadError.text);
  return kept;
}

bool GpuRuntime::fail(const std::string &message) {
  if (threadError.runtime != generation) {
    threadError.runtime = generation;
    threadError.text.clear();
  }
  if (threadError.text.empty())
    threadError.text = message;
  return false;
}

bool GpuRuntime::failed() { return threadError.runtime == generation && !threadError.text.empty(); }

void *GpuRuntime::allocate(size_t bytes, CUstream stream) {
  if (failed() || !enterThread())
    return nullptr;
  std::unique_ptr<DeviceBuffer> block;
  {
    std::lock_guard<std::mutex> lock(mutex);
    // A block freed on this same stream first: the new use is queued after
    // the work that freed it.
    if (auto freed = freedOnStream.find(stream);
        ownStream(stream) && freed != freedOnStream.end()) {
      std::vector<std::unique_ptr<DeviceBuffer>> &blocks = freed->second;
      auto sized = std::find_if(blocks.begin(), blocks.end(),
                                [&](const auto &candidate) { return candidate->size() == bytes; });
      if (sized != blocks.end()) {
        block = std::move(*sized);
        blocks.erase(sized);
      }
    }
    auto sized = cache.find(bytes);
    if (!block && sized != cache.end() && !sized->second.empty()) {
      block = std::move(sized->second.back());
      sized->second.pop_back();
    }
  }
  if (!block) {
    std::string why;
    block = DeviceBuffer::allocate(*contextHandle, bytes, why);
    // The device is full: the cache's blocks (of other sizes, perhaps never
    // asked for again) go back to the driver, and the allocation is tried
    // once more. Blocks freed on a stream stay: its kernels may use them.
    if (!block && releaseCache()) {
      why.clear();
      block = DeviceBuffer::allocate(*contextHandle, bytes, why);
    }
    if (!block) {
      fail(why);
      return nullptr;
    }
  }
  void *pointer = reinterpret_cast<void *>(uintptr_t(block->address()));
  std::lock_guard<std::mutex> lock(mutex);
  live[pointer] = std::move(block);
  return pointer;
}

bool GpuRuntime::releaseCache() {
  std::map<size_t, std::vector<std::unique_ptr<DeviceBuffer>>> blocks;
  {
    std::lock_guard<std::mutex> lock(mutex);
    blocks.swap(cache);
  }
  bool any = false;
  for (const auto &sized : blocks)
    any |= !sized.second.empty();
  return any; // The blocks are freed (cuMemFree) as `blocks` goes.
}

void GpuRuntime::release(void *pointer, CUstream stream) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = live.find(pointer);
  if (found == live.end()) {
    fail("mgpuMemFree: " + std::to_string(uintptr_t(pointer)) +
         " is not device memory this runtime allocated");
    return;
  }
  if (ownStream(stream)) {
    freedOnStream[stream].push_back(std::move(found->second));
  } else {
    size_t bytes = found->second->size();
    cache[bytes].push_back(std::move(found->second));
  }
  live.erase(found);
}

void GpuRuntime::streamDrained(CUstream stream) { settleFreed(stream, true); }

void GpuRuntime::streamAbandoned(CUstream stream) { settleFreed(stream, false); }

void GpuRuntime::settleFreed(CUstream stream, bool reusable) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = freedOnStream.find(stream);
  if (found == freedOnStream.end())
    return;
  for (std::unique_ptr<DeviceBuffer> &block : found->second) {
    size_t bytes = block->size();
    (reusable ? cache[bytes] : abandoned).push_back(std::move(block));
  }
  freedOnStream.erase(found);
}

CUmodule GpuRuntime::module(const void *image, size_t bytes) {
  auto start = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex);
  ++lookups;
  std::string text = bytes ? std::string(static_cast<const char *>(image), bytes)
                           : std::string(static_cast<const char *>(image));
  // The same PTX arrives with its NUL counted (mgpuModuleLoad) or not (JIT).
  while (!text.empty() && text.back() == '\0')
    text.pop_back();
  if (profiler) // Before loading: what reading the image costs, not the driver.
    profiler->add("module looked up by its image",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                  text.size());
  if (auto found = modules.find(text); found != modules.end())
    return found->second;
  CUmodule loaded = nullptr;
  std::string why;
  if (!driverHandle->check(driverHandle->api().moduleLoadData(&loaded, image), "cuModuleLoadData",
                           why)) {
    fail(why);
    return nullptr;
  }
  modules.emplace(std::move(text), loaded);
  return loaded;
}

size_t GpuRuntime::modulesLoaded() const {
  std::lock_guard<std::mutex> lock(mutex);
  return modules.size();
}

size_t GpuRuntime::moduleLookups() const {
  std::lock_guard<std::mutex> lock(mutex);
  return lookups;
}

size_t GpuRuntime::deviceBytes() const {
  std::lock_guard<std::mutex> lock(mutex);
  size_t total = 0;
  for (const auto &[pointer, block] : live)
    total += block->size();
  for (const auto &[bytes, blocks] : cache)
    total += bytes * blocks.size();
  for (const auto &[stream, blocks] : freedOnStream)
    for (const std::unique_ptr<DeviceBuffer> &block : blocks)
      total += block->size();
  for (const std::unique_ptr<DeviceBuffer> &block : abandoned)
    total += block->size();
  return total;
}

size_t GpuRuntime::cachedBytes() const {
  std::lock_guard<std::mutex> lock(mutex);
  size_t total = 0;
  for (const auto &[bytes, blocks] : cache)
    total += bytes * blocks.size();
  return total;
}

extern "C" {

SweepCuModule mgpuModuleLoad(void *data, size_t bytes) {
  GpuRuntime *runtime = usable();
  return runtime ? runtime->module(data, bytes) : nullptr;
}

SweepCuModule mgpuModuleLoadJIT(void *data, int) {
  // cuModuleLoadData compiles PTX text at the driver's default (highest)
  // optimization level.
  return mgpuModuleLoad(data, 0);
}

SweepCuModule sweepGpuModuleOnce(SweepGpuModuleSlot *slot, void *data, size_t bytes) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return nullptr;
  // Threads running the same program may race here; each finds or loads the
  // same module (module() is locked and keyed by the image), so whichever
  // store lands last holds the right handle. The number is stored last and
  // read first: a reader that sees it sees the module stored before it.
  uint64_t number = runtime->openNumber();
  if (__atomic_load_n(&slot->runtime, __ATOMIC_ACQUIRE) == number)
    return __atomic_load_n(&slot->module, __ATOMIC_RELAXED);
  SweepCuModule loaded = runtime->module(data, bytes);
  if (loaded) {
    __atomic_store_n(&slot->module, loaded, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->runtime, number, __ATOMIC_RELEASE);
  }
  return loaded;
}

void mgpuModuleUnload(SweepCuModule) {
  // Kept for the next launch; GpuRuntime::close unloads every module.
}

SweepCuFunction mgpuModuleGetFunction(SweepCuModule module, const char *name) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return nullptr;
  CUfunction function = nullptr;
  std::string why;
  if (!runtime->driver().check(runtime->driver().api().moduleGetFunction(&function, module, name),
                               "cuModuleGetFunction", why))
    runtime->fail(why + " for kernel '" + name + "'");
  else if (LaunchProfile *profile = runtime->profile())
    profile->name(function, name);
  return function;
}

void mgpuLaunchKernel(SweepCuFunction function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t sharedBytes,
                      SweepCuStream stream, void **params, void **extra, size_t) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return;
  auto shape = [&] {
    return "grid " + std::to_string(gridX) + "x" + std::to_string(gridY) + "x" +
           std::to_string(gridZ) + ", block " + std::to_string(blockX) + "x" +
           std::to_string(blockY) + "x" + std::to_string(blockZ);
  };
  // cuLaunchKernel takes unsigned sides: a larger one must not wrap around
  // into a smaller launch that skips work.
  for (intptr_t side : {gridX, gridY, gridZ, blockX, blockY, blockZ})
    if (side < 0 || uintptr_t(side) > std::numeric_limits<unsigned>::max()) {
      runtime->fail("cuLaunchKernel: " + shape() + " is past what one launch can take (a side of " +
                    std::to_string(std::numeric_limits<unsigned>::max()) + ")");
      return;
    }
  auto start = std::chrono::steady_clock::now();
  std::string why;
  if (!runtime->driver().check(runtime->driver().api().launchKernel(
                                   function, unsigned(gridX), unsigned(gridY), unsigned(gridZ),
                                   unsigned(blockX), unsigned(blockY), unsigned(blockZ),
                                   unsigned(sharedBytes), stream, params, extra),
                               "cuLaunchKernel", why))
    runtime->fail(why + " (" + shape() + ")");
  else if (LaunchProfile *profile = runtime->profile())
    profile->add("kernel " + profile->nameOf(function), waited(*runtime, stream, start));
}

SweepCuStream mgpuStreamCreate() {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return nullptr;
  CUstream stream = nullptr;
  std::string why;
  if (!runtime->driver().check(runtime->driver().api().streamCreate(&stream, 0), "cuStreamCreate",
                               why))
    runtime->fail(why);
  return stream;
}

void mgpuStreamDestroy(SweepCuStream stream) {
  GpuRuntime *runtime = GpuRuntime::current();
  if (!runtime || !stream)
    return;
  // Its freed blocks are reusable once its work is done, and the handle may
  // be the next stream's: drain it first (the host code has, normally).
  std::string why;
  if (runtime->enterThread() &&
      runtime->driver().check(runtime->driver().api().streamSynchronize(stream),
                              "cuStreamSynchronize", why)) {
    runtime->streamDrained(stream);
  } else {
    runtime->streamAbandoned(stream);
    if (!why.empty())
      runtime->fail(why);
  }
  runtime->driver().api().streamDestroy(stream);
}

void mgpuStreamSynchronize(SweepCuStream stream) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return;
  std::string why;
  if (!runtime->driver().check(runtime->driver().api().streamSynchronize(stream),
                               "cuStreamSynchronize", why))
    runtime->fail(why);
  else
    runtime->streamDrained(stream);
}

void *mgpuMemAlloc(uint64_t bytes, SweepCuStream stream, bool hostShared) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return nullptr;
  if (hostShared) {
    // Managed memory can hang a GPU when oversubscribed; nothing asks for it.
    runtime->fail("mgpuMemAlloc: host-shared (managed) memory is not supported");
    return nullptr;
  }
  return runtime->allocate(size_t(bytes), stream);
}

void mgpuMemFree(void *pointer, SweepCuStream stream) {
  if (GpuRuntime *runtime = GpuRuntime::current())
    runtime->release(pointer, stream);
}

void mgpuMemcpy(void *to, void *from, size_t bytes, SweepCuStream stream) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return;
  // A buffer whose allocation was skipped while another program's error was
  // kept, the error since taken. Regression: the stand-in driver copied to
  // address 0 and crashed, with --streams=3 (a GPU refuses it).
  if (bytes && (!to || !from)) {
    runtime->fail("a copy of " + std::to_string(bytes) +
                  " bytes to or from a buffer never allocated (after an earlier failure)");
    return;
  }
  auto start = std::chrono::steady_clock::now();
  std::string why;
  if (!runtime->driver().check(
          runtime->driver().api().memcpyAsync(address(to), address(from), bytes, stream),
          "cuMemcpyAsync", why))
    runtime->fail(why);
  else if (LaunchProfile *profile = runtime->profile())
    // The host code copies on its stream; a program's inputs and outputs go
    // through the thread's default stream (DeviceBufferSpace).
    profile->add(stream && stream != perThreadStream() ? "copy in the host code"
                                                       : "copy of a program's inputs or outputs",
                 waited(*runtime, stream, start), bytes);
}

void mgpuMemset32(void *to, unsigned value, size_t count, SweepCuStream stream) {
  GpuRuntime *runtime = usable();
  if (!runtime)
    return;
  if (count && !to) { // As in mgpuMemcpy.
    runtime->fail("setting " + std::to_string(count * 4) +
                  " bytes of a buffer never allocated (after an earlier failure)");
    return;
  }
  auto start = std::chrono::steady_clock::now();
  std::string why;
  if (!runtime->driver().check(
          runtime->driver().api().memsetD32Async(address(to), value, count, stream),
          "cuMemsetD32Async", why))
    runtime->fail(why + " setting " + std::to_string(count * 4) + " bytes");
  else if (LaunchProfile *profile = runtime->profile())
    profile->add("memory set on the device", waited(*runtime, stream, start), count * 4);
}

} // extern "C"

const std::vector<GpuRuntime::Symbol> &GpuRuntime::symbols() {
#define SWEEP_MGPU(name)                                                                           \
  Symbol { #name, reinterpret_cast < void *>(&name) }
  static const std::vector<Symbol> table{
      SWEEP_MGPU(mgpuModuleLoad),    SWEEP_MGPU(mgpuModuleLoadJIT),
      SWEEP_MGPU(mgpuModuleUnload),  SWEEP_MGPU(mgpuModuleGetFunction),
      SWEEP_MGPU(mgpuLaunchKernel),  SWEEP_MGPU(mgpuStreamCreate),
      SWEEP_MGPU(mgpuStreamDestroy), SWEEP_MGPU(mgpuStreamSynchronize),
      SWEEP_MGPU(mgpuMemAlloc),      SWEEP_MGPU(mgpuMemFree),
      SWEEP_MGPU(mgpuMemcpy),        SWEEP_MGPU(mgpuMemset32),
      SWEEP_MGPU(sweepGpuModuleOnce)};
#undef SWEEP_MGPU
  return table;
}
