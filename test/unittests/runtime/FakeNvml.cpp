//===- FakeNvml.cpp - a stand-in libnvidia-ml for the energy tests --------===//
//
// Exports the NVML functions the NVML meter resolves, so that its success
// path, its failures and its power-sampling fallback are tested on machines
// without a GPU. Device 0 has an energy counter the test advances; every
// other device lacks the counter (as pre-Volta GPUs do) and reports a
// constant power. Device N sits on PCI bus 0x10 + N, where the stand-in CUDA
// driver (FakeCuda.cpp) puts its device N. The test sets the state with fake_nvml_set: dlopen of the
// same path returns the same library, so the meter sees that state.
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <cstdlib>

namespace {

struct nvmlDevice_st {
  unsigned index;
};

constexpr int kSuccess = 0;
constexpr int kInvalidArgument = 2;
constexpr int kNotSupported = 3;
constexpr int kUninitialized = 1;
constexpr int kNotFound = 6;

struct State {
  int initResult = kSuccess;
  unsigned devices = 1; ///< A program that loads the fake without setting it sees one GPU.
  unsigned powerMw = 0;
  unsigned long long energyMj = 0;
  int liveInits = 0; ///< nvmlInit_v2 calls not yet shut down.
};

State state;
nvmlDevice_st deviceTable[8] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};

} // namespace

extern "C" {

/// Sets what the fake reports: nvmlInit_v2's result, the device count, the
/// constant power of devices 1.. in milliwatts; resets device 0's counter.
void fake_nvml_set(int initResult, unsigned devices, unsigned powerMw) {
  state.initResult = initResult;
  state.devices = devices < 8 ? devices : 8;
  state.powerMw = powerMw;
  state.energyMj = 0;
}

/// Advances device 0's energy counter.
void fake_nvml_advance(unsigned long long millijoules) { state.energyMj += millijoules; }

/// Inits not yet matched by a shutdown: the meter must leave none behind.
int fake_nvml_live_inits() { return state.liveInits; }

/// $SWEEP_FAKE_NVML_DEVICES sets the device count, for programs that load
/// the fake without calling fake_nvml_set.
int nvmlInit_v2() {
  if (const char *devices = std::getenv("SWEEP_FAKE_NVML_DEVICES"); devices && *devices)
    state.devices = unsigned(std::atoi(devices)) < 8 ? unsigned(std::atoi(devices)) : 8;
  if (state.initResult != kSuccess)
    return state.initResult;
  ++state.liveInits;
  return kSuccess;
}

int nvmlShutdown() {
  if (state.liveInits == 0)
    return kUninitialized;
  --state.liveInits;
  return kSuccess;
}

int nvmlDeviceGetCount_v2(unsigned *count) {
  *count = state.devices;
  return kSuccess;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_st **device) {
  if (index >= state.devices)
    return kInvalidArgument;
  *device = &deviceTable[index];
  return kSuccess;
}

/// Device N sits on PCI bus 0x10 + N (the fake CUDA driver's device N too);
/// the domain, device and function must be 0, as written by either driver.
int nvmlDeviceGetHandleByPciBusId_v2(const char *busId, nvmlDevice_st **device) {
  unsigned domain = 0, bus = 0, slot = 0, function = 0;
  char end = 0;
  if (std::sscanf(busId, "%x:%x:%x.%x%c", &domain, &bus, &slot, &function, &end) != 4)
    return kInvalidArgument;
  if (domain != 0 || slot != 0 || function != 0 || bus < 0x10 || bus - 0x10 >= state.devices)
    return kNotFound;
  *device = &deviceTable[bus - 0x10];
  return kSuccess;
}

int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_st *device, unsigned long long *energy) {
  if (device->index != 0)
    return kNotSupported;
  *energy = state.energyMj;
  return kSuccess;
}

int nvmlDeviceGetPowerUsage(nvmlDevice_st *, unsigned *power) {
  *power = state.powerMw;
  return kSuccess;
}

const char *nvmlErrorString(int result) {
  switch (result) {
  case kSuccess:
    return "Success";
  case kUninitialized:
    return "Uninitialized";
  case kInvalidArgument:
    return "Invalid Argument";
  case kNotSupported:
    return "Not Supported";
  case kNotFound:
    return "Not Found";
  case 9:
    return "Driver Not Loaded";
  default:
    return "Unknown Error";
  }
}

} // extern "C"
