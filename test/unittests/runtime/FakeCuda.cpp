//===- FakeCuda.cpp - a stand-in libcuda for the CUDA driver tests --------===//
//
// Exports the driver functions runtime/cuda resolves, so that its loading,
// error reporting, memory, module and launch paths are tested on machines
// without a GPU. "Device memory" is host memory; a module is its image text,
// and it has a kernel NAME when the text holds ".entry NAME"; a launch is
// recorded, not run. As on a GPU, cuMemcpyHtoDAsync on a created stream
// has not landed when it returns: it reads its source and writes its target
// when its stream, the context or an event recorded after it on its stream
// is synchronized (or the legacy default stream, unless its stream is
// non-blocking), so a caller that reuses a source or reads a target too
// early sees the wrong bytes. The test sets the state through the fake_cuda_*
// functions: dlopen of the same path returns the same library, so the
// driver wrapper sees that state. Error names and texts are the driver's.
//
//===----------------------------------------------------------------------===//

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace {

using CUresult = int;
using CUdeviceptr = unsigned long long;

constexpr CUresult kSuccess = 0;
constexpr CUresult kInvalidValue = 1;
constexpr CUresult kNotFound = 500;

struct CUctx_st {
  int device;
};
struct CUmod_st {
  std::string image;
};
struct CUfunc_st {
  std::string name;
};
struct CUstream_st {
  unsigned flags;
};
/// Where it was recorded: its stream, and how many asynchronous copies had
/// been started by then.
struct CUevent_st {
  CUstream_st *stream = nullptr;
  size_t copiesBefore = 0;
};

/// An asynchronous copy not landed yet: the `number`-th started.
struct InFlightCopy {
  size_t number;
  CUstream_st *stream;
  void *to;
  const void *from;
  size_t bytes;
};

struct State {
  CUresult initResult = kSuccess;
  int devices = 1; ///< A program that links the fake without setting it sees one GPU.
  std::string failCall; ///< The next call of this name returns failCode.
  CUresult failCode = kSuccess;
  int liveContexts = 0, liveAllocations = 0, liveModules = 0, launches = 0;
  int retainedOnGpu0 = 0; ///< Primary contexts ever retained on device 0.
  int liveEvents = 0, liveStreams = 0, pageableAsyncCopies = 0;
  int copiesAtOnce = 0; ///< cuMemcpyAsync calls.
  int memsets = 0;      ///< cuMemsetD32Async calls.
  int legacyStreamUses = 0; ///< Copies and synchronizations on the null stream.
  std::set<const void *> pinned; ///< cuMemHostAlloc'ed blocks.
  std::map<CUdeviceptr, size_t> allocated; ///< cuMemAlloc'ed blocks and their sizes.
  size_t allocatedBytes = 0;
  std::deque<InFlightCopy> inFlight;
  size_t copiesStarted = 0;
  unsigned lastGrid[3] = {}, lastBlock[3] = {};
  CUdeviceptr lastFirstParameter = 0;
  CUfunc_st function;
};

State state;
CUctx_st contexts[8] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};

/// Whether `call` was told to fail (once).
bool failing(const char *call, CUresult &code) {
  if (state.failCall != call)
    return false;
  code = state.failCode;
  state.failCall.clear();
  return true;
}

/// The context current on this thread: as the real driver, calls that need
/// one fail with CUDA_ERROR_INVALID_CONTEXT on a thread that never set it.
thread_local CUctx_st *currentContext = nullptr;
constexpr CUresult kInvalidContext = 201;

#define FAKE_NEEDS_CONTEXT()                                                                       \
  if (!currentContext)                                                                             \
  return kInvalidContext

/// Lands, in order, the copies in flight that `which` selects.
template <typename Which> void land(Which which) {
  for (auto copy = state.inFlight.begin(); copy != state.inFlight.end();) {
    if (!which(*copy)) {
      ++copy;
      continue;
    }
    std::memcpy(copy->to, copy->from, copy->bytes);
    copy = state.inFlight.erase(copy);
  }
}

/// The driver API is thread-safe (programs on several streams call it from
/// several threads), so its stand-in is too: one lock around every call.
std::recursive_mutex driverLock;
#define FAKE_LOCK() std::lock_guard<std::recursive_mutex> fakeLock(driverLock)

#define FAKE_FAIL(call)                                                                            \
  if (CUresult code = kSuccess; failing(call, code))                                               \
  return code

} // namespace

extern "C" {

/// Sets cuInit's result and the device count; clears failures and counters.
void fake_cuda_set(CUresult initResult, int devices) {
  FAKE_LOCK();
  state = State();
  state.devices = 0;
  state.initResult = initResult;
  state.devices = devices < 8 ? devices : 8;
}

/// Makes the next call of `call` (its exported name, e.g. "cuMemAlloc_v2")
/// return `code`.
void fake_cuda_fail(const char *call, CUresult code) {
  FAKE_LOCK();
  state.failCall = call;
  state.failCode = code;
}

/// What the wrapper must leave balanced ("contexts", "allocations",
/// "modules", "events", "streams", "pinned" blocks), and what it should not
/// do: asynchronous copies not landed yet ("in flight") and those from
/// pageable memory ("pageable copies", which make the host wait); the
/// copies made at once (cuMemcpyAsync, "copies"); memory set on the device
/// ("memsets"); and the copies, sets and synchronizations on the legacy
/// default stream ("legacy stream uses").
int fake_cuda_live(const char *what) {
  FAKE_LOCK();
  std::string kind = what;
  if (kind == "contexts")
    return state.liveContexts;
  if (kind == "contexts retained on GPU 0")
    return state.retainedOnGpu0;
  if (kind == "allocations")
    return state.liveAllocations;
  if (kind == "modules")
    return state.liveModules;
  if (kind == "events")
    return state.liveEvents;
  if (kind == "streams")
    return state.liveStreams;
  if (kind == "pinned")
    return int(state.pinned.size());
  if (kind == "memsets")
    return state.memsets;
  if (kind == "in flight")
    return int(state.inFlight.size());
  if (kind == "pageable copies")
    return state.pageableAsyncCopies;
  if (kind == "copies")
    return state.copiesAtOnce;
  if (kind == "legacy stream uses")
    return state.legacyStreamUses;
  return -1;
}

/// The launches so far, and the last one's grid x, block x and first argument.
int fake_cuda_launches(unsigned *gridX, unsigned *blockX, CUdeviceptr *firstParameter) {
  FAKE_LOCK();
  *gridX = state.lastGrid[0];
  *blockX = state.lastBlock[0];
  *firstParameter = state.lastFirstParameter;
  return state.launches;
}

CUresult cuGetErrorName(CUresult code, const char **name) {
  FAKE_LOCK();
  switch (code) {
  case 0:
    return *name = "CUDA_SUCCESS", kSuccess;
  case 1:
    return *name = "CUDA_ERROR_INVALID_VALUE", kSuccess;
  case 2:
    return *name = "CUDA_ERROR_OUT_OF_MEMORY", kSuccess;
  case 100:
    return *name = "CUDA_ERROR_NO_DEVICE", kSuccess;
  case 201:
    return *name = "CUDA_ERROR_INVALID_CONTEXT", kSuccess;
  case 218:
    return *name = "CUDA_ERROR_INVALID_PTX", kSuccess;
  case 500:
    return *name = "CUDA_ERROR_NOT_FOUND", kSuccess;
  }
  return *name = nullptr, kInvalidValue;
}

CUresult cuGetErrorString(CUresult code, const char **text) {
  FAKE_LOCK();
  switch (code) {
  case 0:
    return *text = "no error", kSuccess;
  case 1:
    return *text = "invalid argument", kSuccess;
  case 2:
    return *text = "out of memory", kSuccess;
  case 100:
    return *text = "no CUDA-capable device is detected", kSuccess;
  case 201:
    return *text = "invalid device context", kSuccess;
  case 218:
    return *text = "a PTX JIT compilation failed", kSuccess;
  case 500:
    return *text = "named symbol not found", kSuccess;
  }
  return *text = nullptr, kInvalidValue;
}

/// $SWEEP_FAKE_CUDA_FAIL=CALL:CODE makes the first CALL return CODE, for
/// tests of programs that load the fake without calling fake_cuda_fail.
CUresult cuInit(unsigned) {
  FAKE_LOCK();
  if (const char *fail = std::getenv("SWEEP_FAKE_CUDA_FAIL"); fail && std::strchr(fail, ':')) {
    const char *colon = std::strchr(fail, ':');
    state.failCall.assign(fail, colon);
    state.failCode = std::atoi(colon + 1);
  }
  return state.initResult;
}

CUresult cuDriverGetVersion(int *version) {
  FAKE_LOCK();
  FAKE_FAIL("cuDriverGetVersion");
  *version = 13000;
  return kSuccess;
}

CUresult cuDeviceGetCount(int *count) {
  FAKE_LOCK();
  FAKE_FAIL("cuDeviceGetCount");
  *count = state.devices;
  return kSuccess;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  FAKE_LOCK();
  FAKE_FAIL("cuDeviceGet");
  if (ordinal < 0 || ordinal >= state.devices)
    return kInvalidValue;
  *device = ordinal;
  return kSuccess;
}

CUresult cuDeviceGetName(char *name, int length, int device) {
  FAKE_LOCK();
  FAKE_FAIL("cuDeviceGetName");
  std::string text = "Fake H200 #" + std::to_string(device);
  std::strncpy(name, text.c_str(), size_t(length));
  return kSuccess;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  FAKE_LOCK();
  FAKE_FAIL("cuDeviceGetAttribute");
  switch (attribute) {
  case 16: // multiprocessors
    return *value = 132, kSuccess;
  case 75: // compute capability: 9.0, or SWEEP_FAKE_CUDA_CC (80: 8.0)
  case 76: {
    int capability = 90;
    if (const char *chosen = std::getenv("SWEEP_FAKE_CUDA_CC"); chosen && *chosen)
      capability = std::atoi(chosen);
    return *value = attribute == 75 ? capability / 10 : capability % 10, kSuccess;
  }
  }
  return kInvalidValue;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, int) {
  FAKE_LOCK();
  FAKE_FAIL("cuDeviceTotalMem_v2");
  *bytes = size_t(140) << 30;
  return kSuccess;
}

/// Device N sits on PCI bus 0x10 + N, as the fake NVML's device N does, or
/// on $SWEEP_FAKE_CUDA_BUS (hexadecimal) + N: a GPU NVML does not list.
CUresult cuDeviceGetPCIBusId(char *busId, int length, int device) {
  FAKE_LOCK();
  FAKE_FAIL("cuDeviceGetPCIBusId");
  if (length < 13 || device < 0 || device >= state.devices)
    return kInvalidValue;
  unsigned bus = 0x10;
  if (const char *chosen = std::getenv("SWEEP_FAKE_CUDA_BUS"); chosen && *chosen)
    bus = unsigned(std::strtoul(chosen, nullptr, 16));
  std::snprintf(busId, size_t(length), "0000:%02X:00.0", bus + unsigned(device));
  return kSuccess;
}

CUresult cuDevicePrimaryCtxRetain(CUctx_st **context, int device) {
  FAKE_LOCK();
  FAKE_FAIL("cuDevicePrimaryCtxRetain");
  *context = &contexts[device];
  ++state.liveContexts;
  state.retainedOnGpu0 += device == 0;
  return kSuccess;
}

CUresult cuDevicePrimaryCtxRelease_v2(int) {
  FAKE_LOCK();
  --state.liveContexts;
  return kSuccess;
}

CUresult cuCtxSetCurrent(CUctx_st *context) {
  FAKE_LOCK();
  FAKE_FAIL("cuCtxSetCurrent");
  currentContext = context;
  return kSuccess;
}

CUresult cuCtxSynchronize() {
  FAKE_LOCK();
  FAKE_FAIL("cuCtxSynchronize");
  land([](const InFlightCopy &) { return true; });
  return kSuccess;
}

/// The memory there is to allocate: 139 GiB, or $SWEEP_FAKE_CUDA_FREE_MIB (a
/// nearly full device, for tests of programs sized to the free memory).
size_t memoryForAllocations() {
  if (const char *mib = std::getenv("SWEEP_FAKE_CUDA_FREE_MIB"); mib && *mib)
    return size_t(std::atoll(mib)) << 20;
  return (size_t(140) << 30) - (size_t(1) << 30);
}

CUresult cuMemGetInfo_v2(size_t *free, size_t *total) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemGetInfo_v2");
  *total = size_t(140) << 30;
  size_t memory = memoryForAllocations();
  *free = memory > state.allocatedBytes ? memory - state.allocatedBytes : 0;
  return kSuccess;
}

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemAlloc_v2");
  FAKE_NEEDS_CONTEXT();
  // As a GPU does: what is allocated and not freed is not free.
  if (state.allocatedBytes + bytes > memoryForAllocations())
    return 2; // CUDA_ERROR_OUT_OF_MEMORY
  *pointer = CUdeviceptr(reinterpret_cast<uintptr_t>(new char[bytes ? bytes : 1]));
  state.allocated[*pointer] = bytes;
  state.allocatedBytes += bytes;
  ++state.liveAllocations;
  return kSuccess;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
  FAKE_LOCK();
  if (auto found = state.allocated.find(pointer); found != state.allocated.end()) {
    state.allocatedBytes -= found->second;
    state.allocated.erase(found);
  }
  delete[] reinterpret_cast<char *>(uintptr_t(pointer));
  --state.liveAllocations;
  return kSuccess;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr to, const void *from, size_t bytes) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemcpyHtoD_v2");
  FAKE_NEEDS_CONTEXT();
  if (bytes && (!to || !from)) // As a GPU does: no crash on address 0.
    return kInvalidValue;
  std::memcpy(reinterpret_cast<void *>(uintptr_t(to)), from, bytes);
  return kSuccess;
}

CUresult cuMemcpyDtoH_v2(void *to, CUdeviceptr from, size_t bytes) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemcpyDtoH_v2");
  FAKE_NEEDS_CONTEXT();
  if (bytes && (!to || !from))
    return kInvalidValue;
  std::memcpy(to, reinterpret_cast<const void *>(uintptr_t(from)), bytes);
  return kSuccess;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t bytes, void *stream) {
  FAKE_LOCK();
  if (!stream)
    return cuMemcpyHtoD_v2(to, from, bytes);
  FAKE_FAIL("cuMemcpyHtoDAsync_v2");
  FAKE_NEEDS_CONTEXT();
  if (bytes && (!to || !from))
    return kInvalidValue;
  if (!state.pinned.count(from))
    ++state.pageableAsyncCopies;
  state.inFlight.push_back({state.copiesStarted++, static_cast<CUstream_st *>(stream),
                            reinterpret_cast<void *>(uintptr_t(to)), from, bytes});
  return kSuccess;
}

CUresult cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t bytes, void *) {
  FAKE_LOCK();
  return cuMemcpyDtoH_v2(to, from, bytes);
}

CUresult cuMemcpyAsync(CUdeviceptr to, CUdeviceptr from, size_t bytes, void *stream) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemcpyAsync");
  FAKE_NEEDS_CONTEXT();
  if (bytes && (!to || !from))
    return kInvalidValue;
  ++state.copiesAtOnce;
  state.legacyStreamUses += stream == nullptr;
  std::memmove(reinterpret_cast<void *>(uintptr_t(to)), reinterpret_cast<void *>(uintptr_t(from)),
               bytes);
  return kSuccess;
}

CUresult cuMemsetD32Async(CUdeviceptr to, unsigned value, size_t count, void *stream) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemsetD32Async");
  FAKE_NEEDS_CONTEXT();
  if (count && !to)
    return kInvalidValue;
  ++state.memsets;
  state.legacyStreamUses += stream == nullptr;
  // Ordered after the copies started before it on its stream, as on a GPU.
  if (stream)
    land([stream](const InFlightCopy &copy) { return copy.stream == stream; });
  auto *words = reinterpret_cast<uint32_t *>(uintptr_t(to));
  for (size_t i = 0; i < count; ++i)
    words[i] = value;
  return kSuccess;
}

CUresult cuStreamCreate(CUstream_st **stream, unsigned flags) {
  FAKE_LOCK();
  FAKE_FAIL("cuStreamCreate");
  FAKE_NEEDS_CONTEXT();
  *stream = new CUstream_st{flags};
  ++state.liveStreams;
  return kSuccess;
}

CUresult cuStreamDestroy_v2(CUstream_st *stream) {
  FAKE_LOCK();
  land([stream](const InFlightCopy &copy) { return copy.stream == stream; });
  delete stream;
  --state.liveStreams;
  return kSuccess;
}

/// The legacy default stream (null) waits for the blocking streams' work.
CUresult cuStreamSynchronize(CUstream_st *stream) {
  FAKE_LOCK();
  FAKE_FAIL("cuStreamSynchronize");
  state.legacyStreamUses += stream == nullptr;
  land([stream](const InFlightCopy &copy) {
    return stream ? copy.stream == stream : (copy.stream->flags & 1) == 0;
  });
  return kSuccess;
}

CUresult cuMemHostAlloc(void **pointer, size_t bytes, unsigned) {
  FAKE_LOCK();
  FAKE_FAIL("cuMemHostAlloc");
  FAKE_NEEDS_CONTEXT();
  *pointer = new char[bytes ? bytes : 1];
  state.pinned.insert(*pointer);
  return kSuccess;
}

CUresult cuMemFreeHost(void *pointer) {
  FAKE_LOCK();
  if (!state.pinned.erase(pointer))
    return kInvalidValue;
  delete[] static_cast<char *>(pointer);
  return kSuccess;
}

CUresult cuEventCreate(CUevent_st **event, unsigned) {
  FAKE_LOCK();
  FAKE_FAIL("cuEventCreate");
  FAKE_NEEDS_CONTEXT();
  *event = new CUevent_st;
  ++state.liveEvents;
  return kSuccess;
}

CUresult cuEventRecord(CUevent_st *event, CUstream_st *stream) {
  FAKE_LOCK();
  FAKE_FAIL("cuEventRecord");
  event->stream = stream;
  event->copiesBefore = state.copiesStarted;
  return kSuccess;
}

CUresult cuEventSynchronize(CUevent_st *event) {
  FAKE_LOCK();
  FAKE_FAIL("cuEventSynchronize");
  land([event](const InFlightCopy &copy) {
    return copy.stream == event->stream && copy.number < event->copiesBefore;
  });
  return kSuccess;
}

CUresult cuEventDestroy_v2(CUevent_st *event) {
  FAKE_LOCK();
  delete event;
  --state.liveEvents;
  return kSuccess;
}

CUresult cuModuleLoadData(CUmod_st **module, const void *image) {
  FAKE_LOCK();
  FAKE_FAIL("cuModuleLoadData");
  FAKE_NEEDS_CONTEXT();
  // A fatbinary (magic 0xBA55ED50) or a cubin (ELF) holds no searchable PTX
  // text: such a module has every function.
  const unsigned char *bytes = static_cast<const unsigned char *>(image);
  bool binary = (bytes[0] == 0x50 && bytes[1] == 0xED && bytes[2] == 0x55 && bytes[3] == 0xBA) ||
                (bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F');
  *module = new CUmod_st{binary ? std::string("<binary>") : static_cast<const char *>(image)};
  ++state.liveModules;
  return kSuccess;
}

CUresult cuModuleUnload(CUmod_st *module) {
  FAKE_LOCK();
  delete module;
  --state.liveModules;
  return kSuccess;
}

CUresult cuModuleGetFunction(CUfunc_st **function, CUmod_st *module, const char *name) {
  FAKE_LOCK();
  FAKE_FAIL("cuModuleGetFunction");
  if (module->image != "<binary>" &&
      module->image.find(std::string(".entry ") + name) == std::string::npos)
    return kNotFound;
  state.function.name = name;
  *function = &state.function;
  return kSuccess;
}

CUresult cuLaunchKernel(CUfunc_st *, unsigned gridX, unsigned gridY, unsigned gridZ,
                        unsigned blockX, unsigned blockY, unsigned blockZ, unsigned, void *,
                        void **parameters, void **) {
  FAKE_LOCK();
  FAKE_FAIL("cuLaunchKernel");
  FAKE_NEEDS_CONTEXT();
  // The limits of every device since compute capability 3.0, which a GPU
  // refuses with CUDA_ERROR_INVALID_VALUE: the host code must never ask for more.
  if (gridX == 0 || gridY == 0 || gridZ == 0 || gridX > 2147483647u || gridY > 65535 ||
      gridZ > 65535 || blockX == 0 || blockY == 0 || blockZ == 0 || blockX > 1024 ||
      blockY > 1024 || blockZ > 64 || uint64_t(blockX) * blockY * blockZ > 1024)
    return kInvalidValue;
  ++state.launches;
  state.lastGrid[0] = gridX, state.lastGrid[1] = gridY, state.lastGrid[2] = gridZ;
  state.lastBlock[0] = blockX, state.lastBlock[1] = blockY, state.lastBlock[2] = blockZ;
  state.lastFirstParameter = parameters ? *static_cast<CUdeviceptr *>(parameters[0]) : 0;
  return kSuccess;
}

} // extern "C"
