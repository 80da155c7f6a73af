//===- GpuRuntime.h - what GPU host code calls: the mgpu* functions -*- C++ -*-===//
//
// MLIR's gpu-to-llvm lowering turns the host side of the GPU pipeline
// (lib/Pipelines/GpuPipeline.h) into calls of C functions named mgpu*: load a
// module, get a kernel, launch it, allocate, copy and free device memory, and
// create and synchronize a stream. MLIR's own implementation
// (libmlir_cuda_runtime) does not ship with Debian's LLVM, links libcuda, and
// prints and continues on errors; these are sweepc's, over runtime/cuda's
// dlopen'ed driver (CudaDriver.h):
//
//  - one process-wide runtime on one device, opened by the GPU backend before
//    any compiled code runs (GpuRuntime::open);
//  - the mgpu* functions cannot return errors, so the first failure is kept
//    (`takeError`) and later calls do nothing; the caller checks after each
//    step and stops the group with the driver's message. It is kept for the
//    thread that made the call: a program trains on one thread, and the
//    programs of other threads (--streams) go on undisturbed (their calls
//    are not skipped, so none of them launches kernels on buffers skipped
//    for another's failure); an error that breaks the whole context reaches
//    them from the driver itself;
//  - device memory is cached: a training step allocates and frees dozens of
//    buffers of the same sizes, and cuMemAlloc/cuMemFree synchronize the
//    device; a freed block is kept for the next allocation of its size and
//    released when the runtime closes, or when an allocation finds the
//    device full (then it is tried again). A block the host code frees on its
//    stream (gpu.dealloc in an async region) may still be read by kernels
//    queued there, so it is reused by later work on that stream (ordered
//    after them), or by anyone once that stream has been synchronized:
//    another program's thread, or a copy stream, could otherwise write into
//    it while they run;
//  - so are modules: MLIR 19's host code loads a kernel's module before each
//    launch and unloads it after (the driver compiling its PTX every time), so
//    a module is loaded once per image and kept until the runtime closes.
//    Images are keyed by their text, not their address: a JIT destroyed and
//    another created may put a different kernel at the same address. Reading
//    a group's image (megabytes of fatbinary) at every launch would cost more
//    than the launch, so sweepc's host code asks through a slot of its own
//    (sweepGpuModuleOnce, codegen/nvptx/LoadModulesOnce.h): the image is
//    looked up once per program and runtime, the slot read after that.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_CUDA_GPURUNTIME_H
#define SWEEP_RUNTIME_CUDA_GPURUNTIME_H

#include "runtime/cuda/CudaDriver.h"
#include "runtime/cuda/LaunchProfile.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sweep::cuda {

class GpuRuntime {
public:
  /// Loads `library`, opens `ordinal`'s primary context and makes this the
  /// runtime the mgpu* functions use. Null with `why` when it cannot.
  static GpuRuntime *open(const std::string &library, int ordinal, std::string &why);
  /// Opens GPU 0 of the driver driverLibrary() names; null with `why` ("no
  /// GPU: ...") when the driver or a device is missing;
  /// `info` is the GPU's DeviceInfo.
  static GpuRuntime *openFirstDevice(DeviceInfo &info, std::string &why) {
    return openDeviceForRank(0, info, why);
  }
  /// The same for the `localRank`-th process on this machine (MPI: one GPU
  /// per rank): GPU localRank modulo the number of GPUs.
  static GpuRuntime *openDeviceForRank(int localRank, DeviceInfo &info, std::string &why);
  /// The open runtime, or null.
  static GpuRuntime *current();
  /// Frees every cached and live block and unloads the driver.
  static void close();

  /// The calling thread's first error since its last call, and clears it
  /// ("" when none).
  std::string takeError();
  /// Records `error` for the calling thread unless one is already kept;
  /// false, for chaining.
  bool fail(const std::string &error);
  /// Whether the calling thread has an error kept.
  bool failed();
  /// Makes the device's context current on the calling thread, once per
  /// thread (the trainer's and the compiler's threads call in too); false
  /// with an error kept when the driver refuses.
  bool enterThread();

  /// Device memory of `bytes` bytes for work on `stream` (null: the host's
  /// use): a block of that size freed on the same stream, a cached one, or a
  /// new one. Null (and an error kept) when the device has none left.
  void *allocate(size_t bytes, CUstream stream = nullptr);
  /// Returns `pointer` to the cache: at once when `stream` is null (the
  /// host is done with it), else when `stream` is next synchronized (work
  /// queued on it may still use it). Unknown pointers are an error.
  void release(void *pointer, CUstream stream = nullptr);
  /// `stream` has been synchronized: its freed blocks join the cache.
  void streamDrained(CUstream stream);
  /// `stream` is destroyed without having been synchronized: its freed
  /// blocks are never reused (its work may still use them, and its handle
  /// may come back as a new stream's) and are freed when the runtime closes.
  void streamAbandoned(CUstream stream);

  /// The module of `image`, loaded on first use: `bytes` of a fatbinary
  /// (cubin and PTX, what the GPU pipeline embeds where the toolkit has
  /// ptxas), or NUL-terminated PTX text when `bytes` is 0. Null with an
  /// error kept when the driver rejects it.
  CUmodule module(const void *image, size_t bytes = 0);
  size_t modulesLoaded() const;
  /// Calls of module() so far: images looked up by their bytes.
  size_t moduleLookups() const;
  /// Which open() of the process made this runtime (1, 2, ...): a module
  /// handle kept by compiled code is good for that runtime only.
  uint64_t openNumber() const { return generation; }

  /// Bytes allocated from the device (live, freed on a stream and cached),
  /// and cached alone.
  size_t deviceBytes() const;
  size_t cachedBytes() const;

  /// The mgpu* functions and sweepGpuModuleOnce by name, for a JIT to resolve
  /// the host code's calls (as runtime/kernels/DenseKernels.h's kernelSymbols).
  struct Symbol {
    const char *name;
    void *address;
  };
  static const std::vector<Symbol> &symbols();

  /// The launch profile ($SWEEPC_GPU_PROFILE set when opened), or null.
  LaunchProfile *profile() const { return profiler.get(); }

  const Driver &driver() const { return *driverHandle; }
  const Context &context() const { return *contextHandle; }

private:
  GpuRuntime() = default;
  /// Frees the cache's blocks; whether there were any.
  bool releaseCache();
  /// Moves `stream`'s freed blocks to the cache, or (not `reusable`) aside.
  void settleFreed(CUstream stream, bool reusable);
  uint64_t generation = 0; ///< Which open() made this runtime.
  std::unique_ptr<LaunchProfile> profiler;
  std::unique_ptr<Driver> driverHandle;
  std::unique_ptr<Context> contextHandle;
  mutable std::mutex mutex;
  std::map<size_t, std::vector<std::unique_ptr<DeviceBuffer>>> cache; ///< Free blocks by size.
  std::map<void *, std::unique_ptr<DeviceBuffer>> live;               ///< By device address.
  /// Freed on a stream whose queued work may still use them.
  std::map<CUstream, std::vector<std::unique_ptr<DeviceBuffer>>> freedOnStream;
  std::vector<std::unique_ptr<DeviceBuffer>> abandoned; ///< See streamAbandoned.
  std::map<std::string, CUmodule> modules;                            ///< By PTX text.
  size_t lookups = 0;                                                 ///< Calls of module().
};

} // namespace sweep::cuda

// The functions the host code of MLIR's gpu-to-llvm calls (the signatures of
// MLIR 19's CudaRuntimeWrappers.cpp; index arguments are intptr_t).
extern "C" {
using SweepCuStream = sweep::cuda::CUstream;
using SweepCuModule = sweep::cuda::CUmodule;
using SweepCuFunction = sweep::cuda::CUfunction;
SweepCuModule mgpuModuleLoad(void *data, size_t bytes);
/// What the host code of a PTX module calls: the driver compiles the PTX.
SweepCuModule mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(SweepCuModule module);
/// Where compiled code keeps the module of one of its images: a global of
/// the host code's, zero until the first launch (codegen/nvptx/LoadModulesOnce.h
/// rewrites each mgpuModuleLoad into this). `runtime` is the openNumber()
/// of the runtime `module` was loaded on.
struct SweepGpuModuleSlot {
  uint64_t runtime;
  SweepCuModule module;
};
/// The module of `data` (`bytes` of it, or NUL-terminated PTX when 0): the
/// slot's when it was loaded on the open runtime, else looked up by the
/// image (GpuRuntime::module) and kept in the slot. Null, with the error
/// kept, when the driver rejects the image.
SweepCuModule sweepGpuModuleOnce(SweepGpuModuleSlot *slot, void *data, size_t bytes);
SweepCuFunction mgpuModuleGetFunction(SweepCuModule module, const char *name);
void mgpuLaunchKernel(SweepCuFunction function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t sharedBytes,
                      SweepCuStream stream, void **params, void **extra, size_t paramCount);
SweepCuStream mgpuStreamCreate();
void mgpuStreamDestroy(SweepCuStream stream);
void mgpuStreamSynchronize(SweepCuStream stream);
void *mgpuMemAlloc(uint64_t bytes, SweepCuStream stream, bool hostShared);
void mgpuMemFree(void *pointer, SweepCuStream stream);
void mgpuMemcpy(void *to, void *from, size_t bytes, SweepCuStream stream);
/// Sets `count` 32-bit words at device address `to` to `value` (MLIR's
/// lowering of gpu.memset calls it by this name).
void mgpuMemset32(void *to, unsigned value, size_t count, SweepCuStream stream);
}

#endif // SWEEP_RUNTIME_CUDA_GPURUNTIME_H
