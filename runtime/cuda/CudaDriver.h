//===- CudaDriver.h - the CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// The driver ships with the NVIDIA kernel module, not with a toolkit, so it
// is dlopen'ed ("libcuda.so.1"): sweepc and a `sweepc build` executable need
// no CUDA header or library to build, link nothing from NVIDIA, and on a
// machine without the driver only lose the GPU (a clear message saying why).
// The few declarations used are written out below from cuda.h's documented C
// API, with the versioned symbols cuda.h's macros select (cuMemAlloc is
// cuMemAlloc_v2, and so on: ../shared/notes/mlir19-debian.md).
//
// Every call is checked: a failure becomes "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY
// (out of memory)", the call's name and the driver's own name and text for
// the code. Device memory is plain cuMemAlloc (never managed memory).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_CUDA_CUDADRIVER_H
#define SWEEP_RUNTIME_CUDA_CUDADRIVER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sweep::cuda {

// cuda.h's types, as documented.
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
constexpr CUresult CUDA_SUCCESS = 0;
/// cuStreamCreate's flag for a stream that does not wait for the legacy
/// default stream (nor it for the stream).
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
/// cuEventCreate's flag for an event that only marks completion.
constexpr unsigned CU_EVENT_DISABLE_TIMING = 0x2;
/// CU_STREAM_PER_THREAD: the calling thread's default stream, which, unlike
/// the legacy default stream (null), does not synchronize with other streams
/// (only with the legacy default stream, which nothing here uses).
inline CUstream perThreadStream() { return reinterpret_cast<CUstream>(uintptr_t(0x2)); }

/// The default library: the driver's soname.
inline constexpr const char *kDriverLibrary = "libcuda.so.1";

/// The library to load: $SWEEPC_CUDA_DRIVER when set (another driver build,
/// or a stand-in for tests), else kDriverLibrary.
std::string driverLibrary();

/// The entry points used, resolved by name.
struct DriverApi {
  CUresult (*init)(unsigned flags);
  CUresult (*driverGetVersion)(int *version);
  CUresult (*getErrorName)(CUresult code, const char **name);
  CUresult (*getErrorString)(CUresult code, const char **text);
  CUresult (*deviceGetCount)(int *count);
  CUresult (*deviceGet)(CUdevice *device, int ordinal);
  CUresult (*deviceGetName)(char *name, int length, CUdevice device);
  CUresult (*deviceGetAttribute)(int *value, int attribute, CUdevice device);
  CUresult (*deviceTotalMem)(size_t *bytes, CUdevice device);
  CUresult (*deviceGetPCIBusId)(char *busId, int length, CUdevice device);
  CUresult (*primaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*primaryCtxRelease)(CUdevice device);
  CUresult (*ctxSetCurrent)(CUcontext context);
  CUresult (*ctxSynchronize)();
  CUresult (*memGetInfo)(size_t *free, size_t *total);
  CUresult (*memAlloc)(CUdeviceptr *pointer, size_t bytes);
  CUresult (*memFree)(CUdeviceptr pointer);
  CUresult (*memcpyHtoD)(CUdeviceptr to, const void *from, size_t bytes);
  CUresult (*memcpyDtoH)(void *to, CUdeviceptr from, size_t bytes);
  CUresult (*memcpyHtoDAsync)(CUdeviceptr to, const void *from, size_t bytes, CUstream stream);
  CUresult (*memcpyDtoHAsync)(void *to, CUdeviceptr from, size_t bytes, CUstream stream);
  /// Any direction: with unified addressing the driver tells device from host.
  CUresult (*memcpyAsync)(CUdeviceptr to, CUdeviceptr from, size_t bytes, CUstream stream);
  /// Sets `count` 32-bit words at `to` to `value`, on the device.
  CUresult (*memsetD32Async)(CUdeviceptr to, unsigned value, size_t count, CUstream stream);
  CUresult (*streamCreate)(CUstream *stream, unsigned flags);
  CUresult (*streamDestroy)(CUstream stream);
  CUresult (*streamSynchronize)(CUstream stream);
  /// Page-locked host memory, which copies can read without the host waiting.
  CUresult (*memHostAlloc)(void **pointer, size_t bytes, unsigned flags);
  CUresult (*memFreeHost)(void *pointer);
  CUresult (*eventCreate)(CUevent *event, unsigned flags);
  CUresult (*eventRecord)(CUevent event, CUstream stream);
  CUresult (*eventSynchronize)(CUevent event);
  CUresult (*eventDestroy)(CUevent event);
  CUresult (*moduleLoadData)(CUmodule *module, const void *image);
  CUresult (*moduleUnload)(CUmodule module);
  CUresult (*moduleGetFunction)(CUfunction *function, CUmodule module, const char *name);
  CUresult (*launchKernel)(CUfunction function, unsigned gridX, unsigned gridY, unsigned gridZ,
                           unsigned blockX, unsigned blockY, unsigned blockZ,
                           unsigned sharedBytes, CUstream stream, void **parameters,
                           void **extra);
};

/// What sweepc needs to know of a GPU.
struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  int major = 0, minor = 0; ///< Compute capability (9.0 for Hopper).
  int multiprocessors = 0;
  size_t memoryBytes = 0;
  /// "0000:3B:00.0" (domain:bus:device.function), how NVML finds the same
  /// GPU: NVML numbers GPUs its own way and ignores CUDA_VISIBLE_DEVICES.
  /// Empty when the driver could not say.
  std::string pciBusId;

  /// "NVIDIA H200 (sm_90, 132 multiprocessors, 139.8 GiB)".
  std::string describe() const;
  /// Whether code compiled for `chip` runs here: the PTX of sm_XY (and a
  /// cubin beside it) runs on sm_XY and newer, that of sm_XYa on sm_XY alone,
  /// that of sm_XYf on sm_XZ with Z >= Y.
  bool runsCodeFor(const std::string &chip) const;
};

/// The loaded driver. Not copyable; unloads the library when destroyed.
class Driver {
public:
  /// Loads `library`, resolves every entry point and calls cuInit(0). Null
  /// with `why` when any of that fails ("cannot load the CUDA driver
  /// (libcuda.so.1): ...: cannot open shared object file").
  static std::unique_ptr<Driver> load(const std::string &library, std::string &why);
  ~Driver();
  Driver(const Driver &) = delete;
  Driver &operator=(const Driver &) = delete;

  /// False with "call: NAME (text)" in `error` when `code` is not success.
  bool check(CUresult code, const char *call, std::string &error) const;

  /// The driver's CUDA version, e.g. 13000 for 13.0.
  bool version(int &version, std::string &error) const;
  /// The GPUs the driver sees (none is not an error: an empty list).
  bool devices(std::vector<DeviceInfo> &devices, std::string &error) const;

  const DriverApi &api() const { return entry; }

private:
  Driver(void *library, const DriverApi &api) : library(library), entry(api) {}
  void *library;
  DriverApi entry;
};

/// A device's primary context, retained and made current on this thread for
/// the object's life: the one context every user of the device shares.
class Context {
public:
  static std::unique_ptr<Context> open(const Driver &driver, int ordinal, std::string &error);
  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  /// Waits for everything launched in the context.
  bool synchronize(std::string &error) const;
  /// Free and total device memory, in bytes.
  bool memory(size_t &free, size_t &total, std::string &error) const;

  /// Makes the context current on the calling thread (a CUDA context is
  /// current per thread: a worker thread must do this before its first call).
  bool makeCurrent(std::string &error) const;

  const Driver &driver() const { return owner; }

private:
  Context(const Driver &driver, CUdevice device, CUcontext handle)
      : owner(driver), device(device), handle(handle) {}
  const Driver &owner;
  CUdevice device;
  CUcontext handle;
};

/// Device memory from cuMemAlloc, freed when destroyed.
class DeviceBuffer {
public:
  static std::unique_ptr<DeviceBuffer> allocate(const Context &context, size_t bytes,
                                                std::string &error);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  bool copyFrom(const void *host, size_t bytes, std::string &error);
  bool copyTo(void *host, size_t bytes, std::string &error) const;

  CUdeviceptr address() const { return pointer; }
  size_t size() const { return bytes; }

private:
  DeviceBuffer(const Context &context, CUdeviceptr pointer, size_t bytes)
      : context(context), pointer(pointer), bytes(bytes) {}
  /// Whether `count` bytes fit; else `error` says so, for `call`.
  bool fits(size_t count, const char *call, std::string &error) const;
  const Context &context;
  CUdeviceptr pointer;
  size_t bytes;
};

/// A loaded module (PTX text or a cubin), unloaded when destroyed.
class Module {
public:
  /// `image` is PTX text (NUL-terminated, as cuModuleLoadData wants it) or
  /// a cubin/fatbin.
  static std::unique_ptr<Module> load(const Context &context, const std::string &image,
                                      std::string &error);
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  bool function(const std::string &name, CUfunction &function, std::string &error) const;

  /// Launches `function` on the default stream; `parameters` points at each
  /// argument's value, as cuLaunchKernel wants them.
  bool launch(CUfunction function, const unsigned grid[3], const unsigned block[3],
              unsigned sharedBytes, std::vector<void *> &parameters, std::string &error) const;

private:
  Module(const Context &context, CUmodule module) : context(context), module(module) {}
  const Context &context;
  CUmodule module;
};

/// One line on the GPUs `library` gives access to, or why there are none:
/// what `sweepc run` prints when a sweep asks for a GPU. `found` is set when
/// at least one GPU is usable.
std::string probeGpus(const std::string &library, bool &found);

} // namespace sweep::cuda

#endif // SWEEP_RUNTIME_CUDA_CUDADRIVER_H
