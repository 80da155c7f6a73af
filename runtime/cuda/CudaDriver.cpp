//===- CudaDriver.cpp - the CUDA driver API, loaded at run time -----------===//

#include "runtime/cuda/CudaDriver.h"
#include "runtime/dynlib/ResolveSymbol.h"

#include <cstdio>
#include <cstdlib>

#include <dlfcn.h>

using namespace sweep::cuda;

namespace {

// cuDeviceGetAttribute's attributes used (cuda.h's CUdevice_attribute).
constexpr int kMultiprocessorCount = 16;
constexpr int kComputeCapabilityMajor = 75;
constexpr int kComputeCapabilityMinor = 76;

/// Resolves `name` into `function`; false with `why` naming the symbol.
template <typename Function>
bool resolve(void *library, const char *name, Function &function, const std::string &path,
             std::string &why) {
  return sweep::resolveSymbol(library, name, function, path,
                              "not a CUDA driver, or one older than CUDA 13?", why);
}

/// The symbols cuda.h's macros name for each call (the _v2 versions).
bool resolveApi(void *library, const std::string &path, DriverApi &api, std::string &why) {
  return resolve(library, "cuInit", api.init, path, why) &&
         resolve(library, "cuDriverGetVersion", api.driverGetVersion, path, why) &&
         resolve(library, "cuGetErrorName", api.getErrorName, path, why) &&
         resolve(library, "cuGetErrorString", api.getErrorString, path, why) &&
         resolve(library, "cuDeviceGetCount", api.deviceGetCount, path, why) &&
         resolve(library, "cuDeviceGet", api.deviceGet, path, why) &&
         resolve(library, "cuDeviceGetName", api.deviceGetName, path, why) &&
         resolve(library, "cuDeviceGetAttribute", api.deviceGetAttribute, path, why) &&
         resolve(library, "cuDeviceTotalMem_v2", api.deviceTotalMem, path, why) &&
         resolve(library, "cuDeviceGetPCIBusId", api.deviceGetPCIBusId, path, why) &&
         resolve(library, "cuDevicePrimaryCtxRetain", api.primaryCtxRetain, path, why) &&
         resolve(library, "cuDevicePrimaryCtxRelease_v2", api.primaryCtxRelease, path, why) &&
         resolve(library, "cuCtxSetCurrent", api.ctxSetCurrent, path, why) &&
         resolve(library, "cuCtxSynchronize", api.ctxSynchronize, path, why) &&
         resolve(library, "cuMemGetInfo_v2", api.memGetInfo, path, why) &&
         resolve(library, "cuMemAlloc_v2", api.memAlloc, path, why) &&
         resolve(library, "cuMemFree_v2", api.memFree, path, why) &&
         resolve(library, "cuMemcpyHtoD_v2", api.memcpyHtoD, path, why) &&
         resolve(library, "cuMemcpyDtoH_v2", api.memcpyDtoH, path, why) &&
         resolve(library, "cuMemcpyHtoDAsync_v2", api.memcpyHtoDAsync, path, why) &&
         resolve(library, "cuMemcpyDtoHAsync_v2", api.memcpyDtoHAsync, path, why) &&
         resolve(library, "cuMemcpyAsync", api.memcpyAsync, path, why) &&
         resolve(library, "cuMemsetD32Async", api.memsetD32Async, path, why) &&
         resolve(library, "cuStreamCreate", api.streamCreate, path, why) &&
         resolve(library, "cuStreamDestroy_v2", api.streamDestroy, path, why) &&
         resolve(library, "cuStreamSynchronize", api.streamSynchronize, path, why) &&
         resolve(library, "cuMemHostAlloc", api.memHostAlloc, path, why) &&
         resolve(library, "cuMemFreeHost", api.memFreeHost, path, why) &&
         resolve(library, "cuEventCreate", api.eventCreate, path, why) &&
         resolve(library, "cuEventRecord", api.eventRecord, path, why) &&
         resolve(library, "cuEventSynchronize", api.eventSynchronize, path, why) &&
         resolve(library, "cuEventDestroy_v2", api.eventDestroy, path, why) &&
         resolve(library, "cuModuleLoadData", api.moduleLoadData, path, why) &&
         resolve(library, "cuModuleUnload", api.moduleUnload, path, why) &&
         resolve(library, "cuModuleGetFunction", api.moduleGetFunction, path, why) &&
         resolve(library, "cuLaunchKernel", api.launchKernel, path, why);
}

} // namespace

std::string sweep::cuda::driverLibrary() {
  const char *path = std::getenv("SWEEPC_CUDA_DRIVER");
  return path && *path ? path : kDriverLibrary;
}

std::string DeviceInfo::describe() const {
  char memory[32];
  std::snprintf(memory, sizeof memory, "%.1f GiB", double(memoryBytes) / (1024.0 * 1024 * 1024));
  return name + " (sm_" + std::to_string(major) + std::to_string(minor) + ", " +
         std::to_string(multiprocessors) + " multiprocessors, " + memory + ")";
}

bool DeviceInfo::runsCodeFor(const std::string &chip) const {
  if (chip.rfind("sm_", 0) != 0)
    return false;
  char *end = nullptr;
  long number = std::strtol(chip.c_str() + 3, &end, 10);
  if (end == chip.c_str() + 3)
    return false;
  long own = major * 10L + minor;
  if (*end == 'a')
    return own == number;
  if (*end == 'f') // A family's: its own major, a minor as new or newer.
    return major == number / 10 && own >= number;
  return *end == 0 && own >= number;
}

std::unique_ptr<Driver> Driver::load(const std::string &library, std::string &why) {
  void *handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *detail = ::dlerror();
    why = "cannot load the CUDA driver (" + library + "): " +
          (detail ? detail : "unknown dlopen error");
    return nullptr;
  }
  DriverApi api{};
  if (!resolveApi(handle, library, api, why)) {
    ::dlclose(handle);
    return nullptr;
  }
  std::unique_ptr<Driver> driver(new Driver(handle, api));
  if (!driver->check(api.init(0), "cuInit", why))
    return nullptr;
  return driver;
}

Driver::~Driver() { ::dlclose(library); }

bool Driver::check(CUresult code, const char *call, std::string &error) const {
  if (code == CUDA_SUCCESS)
    return true;
  const char *name = nullptr, *text = nullptr;
  error = std::string(call) + ": ";
  if (entry.getErrorName(code, &name) == CUDA_SUCCESS && name)
    error += name;
  else
    error += "CUDA error " + std::to_string(code);
  if (entry.getErrorString(code, &text) == CUDA_SUCCESS && text)
    error += std::string(" (") + text + ")";
  return false;
}

bool Driver::version(int &version, std::string &error) const {
  return check(entry.driverGetVersion(&version), "cuDriverGetVersion", error);
}

bool Driver::devices(std::vector<DeviceInfo> &devices, std::string &error) const {
  devices.clear();
  int count = 0;
  if (!check(entry.deviceGetCount(&count), "cuDeviceGetCount", error))
    return false;
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    DeviceInfo info;
    info.ordinal = ordinal;
    CUdevice device = 0;
    char name[256] = {};
    if (!check(entry.deviceGet(&device, ordinal), "cuDeviceGet", error) ||
        !check(entry.deviceGetName(name, sizeof name - 1, device), "cuDeviceGetName", error) ||
        !check(entry.deviceGetAttribute(&info.major, kComputeCapabilityMajor, device),
               "cuDeviceGetAttribute", error) ||
        !check(entry.deviceGetAttribute(&info.minor, kComputeCapabilityMinor, device),
               "cuDeviceGetAttribute", error) ||
        !check(entry.deviceGetAttribute(&info.multiprocessors, kMultiprocessorCount, device),
               "cuDeviceGetAttribute", error) ||
        !check(entry.deviceTotalMem(&info.memoryBytes, device), "cuDeviceTotalMem", error))
      return false;
    info.name = name;
    // Only the energy meter needs the bus id, and it says so when missing:
    // no reason to lose the GPU over it.
    char busId[64] = {};
    if (entry.deviceGetPCIBusId(busId, sizeof busId - 1, device) == CUDA_SUCCESS)
      info.pciBusId = busId;
    devices.push_back(info);
  }
  return true;
}

std::unique_ptr<Context> Context::open(const Driver &driver, int ordinal, std::string &error) {
  const DriverApi &api = driver.api();
  CUdevice device = 0;
  CUcontext context = nullptr;
  if (!driver.check(api.deviceGet(&device, ordinal), "cuDeviceGet", error) ||
      !driver.check(api.primaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain", error))
    return nullptr;
  std::unique_ptr<Context> result(new Context(driver, device, context));
  if (!driver.check(api.ctxSetCurrent(context), "cuCtxSetCurrent", error))
    return nullptr; // The destructor releases the retained context.
  return result;
}

Context::~Context() {
  owner.api().ctxSetCurrent(nullptr);
  owner.api().primaryCtxRelease(device);
}

bool Context::makeCurrent(std::string &error) const {
  return owner.check(owner.api().ctxSetCurrent(handle), "cuCtxSetCurrent", error);
}

bool Context::synchronize(std::string &error) const {
  return owner.check(owner.api().ctxSynchronize(), "cuCtxSynchronize", error);
}

bool Context::memory(size_t &free, size_t &total, std::string &error) const {
  return owner.check(owner.api().memGetInfo(&free, &total), "cuMemGetInfo", error);
}

std::unique_ptr<DeviceBuffer> DeviceBuffer::allocate(const Context &context, size_t bytes,
                                                     std::string &error) {
  CUdeviceptr pointer = 0;
  if (!context.driver().check(context.driver().api().memAlloc(&pointer, bytes), "cuMemAlloc",
                              error)) {
    error += " allocating " + std::to_string(bytes) + " bytes";
    return nullptr;
  }
  return std::unique_ptr<DeviceBuffer>(new DeviceBuffer(context, pointer, bytes));
}

DeviceBuffer::~DeviceBuffer() { context.driver().api().memFree(pointer); }

bool DeviceBuffer::fits(size_t count, const char *call, std::string &error) const {
  if (count <= bytes)
    return true;
  error = std::string(call) + ": " + std::to_string(count) + " bytes do not fit a buffer of " +
          std::to_string(bytes);
  return false;
}

bool DeviceBuffer::copyFrom(const void *host, size_t count, std::string &error) {
  return fits(count, "cuMemcpyHtoD", error) &&
         context.driver().check(context.driver().api().memcpyHtoD(pointer, host, count),
                                "cuMemcpyHtoD", error);
}

bool DeviceBuffer::copyTo(void *host, size_t count, std::string &error) const {
  return fits(count, "cuMemcpyDtoH", error) &&
         context.driver().check(context.driver().api().memcpyDtoH(host, pointer, count),
                                "cuMemcpyDtoH", error);
}

std::unique_ptr<Module> Module::load(const Context &context, const std::string &image,
                                     std::string &error) {
  CUmodule module = nullptr;
  // std::string's data is NUL-terminated: PTX text loads as it is.
  if (!context.driver().check(context.driver().api().moduleLoadData(&module, image.c_str()),
                              "cuModuleLoadData", error))
    return nullptr;
  return std::unique_ptr<Module>(new Module(context, module));
}

Module::~Module() { context.driver().api().moduleUnload(module); }

bool Module::function(const std::string &name, CUfunction &function, std::string &error) const {
  if (context.driver().check(context.driver().api().moduleGetFunction(&function, module,
                                                                      name.c_str()),
                             "cuModuleGetFunction", error))
    return true;
  error += " for kernel '" + name + "'";
  return false;
}

bool Module::launch(CUfunction function, const unsigned grid[3], const unsigned block[3],
                    unsigned sharedBytes, std::vector<void *> &parameters,
                    std::string &error) const {
  return context.driver().check(
      context.driver().api().launchKernel(function, grid[0], grid[1], grid[2], block[0],
                                          block[1], block[2], sharedBytes, nullptr,
                                          parameters.data(), nullptr),
      "cuLaunchKernel", error);
}

std::string sweep::cuda::probeGpus(const std::string &library, bool &found) {
  found = false;
  std::string why;
  std::unique_ptr<Driver> driver = Driver::load(library, why);
  if (!driver)
    return "no GPU: " + why;
  std::vector<DeviceInfo> devices;
  if (!driver->devices(devices, why))
    return "no GPU: " + why;
  if (devices.empty())
    return "no GPU: the CUDA driver sees none";
  found = true;
  int version = 0;
  std::string line = "CUDA driver";
  if (driver->version(version, why))
    line += " " + std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
  for (const DeviceInfo &device : devices)
    line += ", GPU " + std::to_string(device.ordinal) + ": " + device.describe();
  return line;
}
