//===- NvmlMeter.cpp - GPU energy through NVML, loaded at run time --------===//
//
// NVML ships with the NVIDIA driver, not with a toolkit, so it is dlopen'ed:
// the build needs no NVIDIA header or library, and a machine without the
// driver only loses the GPU figures. The few NVML declarations used are
// written out below from NVML's documented C API.
//
// The meter reads the GPU the runs train on, found by its PCI bus id (NVML
// numbers GPUs its own way, and ignores CUDA_VISIBLE_DEVICES), or, without
// one, every GPU NVML sees.
//
// A GPU is read through nvmlDeviceGetTotalEnergyConsumption (millijoules
// since the driver loaded, Volta and newer). A GPU without that counter is
// read by sampling nvmlDeviceGetPowerUsage (milliwatts) at every read and
// integrating with the trapezoid rule, which is only as good as the reads are
// frequent; describe() says which GPUs are sampled.
//
//===----------------------------------------------------------------------===//

#include "runtime/energy/EnergyMeter.h"
#include "runtime/dynlib/ResolveSymbol.h"

#include <chrono>
#include <vector>

#include <dlfcn.h>

using namespace sweep;

namespace {

// NVML's C API, as documented in nvml.h (no NVIDIA header is installed).
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st *;
constexpr nvmlReturn_t NVML_SUCCESS = 0;

struct NvmlApi {
  nvmlReturn_t (*init)();
  nvmlReturn_t (*shutdown)();
  nvmlReturn_t (*getCount)(unsigned *count);
  nvmlReturn_t (*getHandle)(unsigned index, nvmlDevice_t *device);
  nvmlReturn_t (*getHandleByBusId)(const char *busId, nvmlDevice_t *device);
  nvmlReturn_t (*getEnergy)(nvmlDevice_t device, unsigned long long *millijoules);
  nvmlReturn_t (*getPower)(nvmlDevice_t device, unsigned *milliwatts);
  const char *(*errorString)(nvmlReturn_t result);
};

/// Resolves `name` into `function`; false with `why` naming the symbol.
template <typename Function>
bool resolve(void *library, const char *name, Function &function, const std::string &path,
             std::string &why) {
  return resolveSymbol(library, name, function, path, "not an NVML library?", why);
}

bool resolveApi(void *library, const std::string &path, NvmlApi &api, std::string &why) {
  return resolve(library, "nvmlInit_v2", api.init, path, why) &&
         resolve(library, "nvmlShutdown", api.shutdown, path, why) &&
         resolve(library, "nvmlDeviceGetCount_v2", api.getCount, path, why) &&
         resolve(library, "nvmlDeviceGetHandleByIndex_v2", api.getHandle, path, why) &&
         resolve(library, "nvmlDeviceGetHandleByPciBusId_v2", api.getHandleByBusId, path, why) &&
         resolve(library, "nvmlDeviceGetTotalEnergyConsumption", api.getEnergy, path, why) &&
         resolve(library, "nvmlDeviceGetPowerUsage", api.getPower, path, why) &&
         resolve(library, "nvmlErrorString", api.errorString, path, why);
}

using Clock = std::chrono::steady_clock;

/// One GPU: either its energy counter, or its power sampled at each read.
struct Gpu {
  std::string name; ///< "GPU 1" (NVML's index) or "the GPU at PCI bus 0000:3B:00.0".
  nvmlDevice_t device = nullptr;
  bool sampled = false;
  std::string sampledWhy;        ///< Why the counter is not used.
  unsigned long long lastMj = 0; ///< Counter: last value seen.
  unsigned lastMw = 0;           ///< Sampling: last power seen,
  Clock::time_point lastTime;    ///< and when.
  double joules = 0;             ///< Since opening.
};

class NvmlMeter : public EnergyMeter {
public:
  NvmlMeter(void *library, const NvmlApi &api) : library(library), api(api) {}
  ~NvmlMeter() override {
    if (initialized)
      api.shutdown();
    ::dlclose(library);
  }

  /// Initializes NVML and takes a first reading of the GPU at `busId`, or
  /// of every GPU when it is empty.
  bool open(const std::string &busId, std::string &why);

  std::string source() const override { return "measured:nvml"; }
  std::string describe() const override;
  bool read(const WorkCost &, double, double &joules, std::string &error) override;

private:
  std::string errorText(const char *call, nvmlReturn_t code) const {
    return std::string(call) + ": " + api.errorString(code);
  }
  /// Takes `gpu`'s first reading (its device and name set).
  bool openGpu(Gpu &gpu, std::string &why);
  /// Joules of `gpu` since its last reading, without changing it; the
  /// sampled power is returned in `milliwatts` and its time in `time`.
  bool sinceLast(const Gpu &gpu, double &joules, unsigned long long &counter, unsigned &milliwatts,
                 Clock::time_point &time, std::string &error) const;

  void *library;
  NvmlApi api;
  bool initialized = false;
  std::vector<Gpu> gpus;
  std::string skipped; ///< GPUs that could not be read at all, with why.
};

bool NvmlMeter::open(const std::string &busId, std::string &why) {
  if (nvmlReturn_t code = api.init(); code != NVML_SUCCESS) {
    why = "NVML " + errorText("nvmlInit_v2", code);
    return false;
  }
  initialized = true;
  unsigned count = 0;
  if (nvmlReturn_t code = api.getCount(&count); code != NVML_SUCCESS) {
    why = "NVML " + errorText("nvmlDeviceGetCount_v2", code);
    return false;
  }
  if (count == 0) {
    why = "NVML sees no GPU (nvmlDeviceGetCount_v2 returned 0)";
    return false;
  }
  if (!busId.empty()) {
    Gpu gpu;
    gpu.name = "the GPU at PCI bus " + busId;
    if (nvmlReturn_t code = api.getHandleByBusId(busId.c_str(), &gpu.device);
        code != NVML_SUCCESS) {
      std::string lookup = errorText("nvmlDeviceGetHandleByPciBusId_v2", code);
      // NVML's one GPU is the one the runs train on, whatever its bus id
      // reads as (a virtual machine may number the bus differently for the
      // two libraries). With several, no guess.
      if (count != 1 || api.getHandle(0, &gpu.device) != NVML_SUCCESS) {
        why = "NVML finds no GPU at PCI bus " + busId + ", where the runs train (" + lookup + ")";
        return false;
      }
      gpu.name = "GPU 0, the only GPU NVML lists (it finds none at PCI bus " + busId + ": " +
                 lookup + ")";
    }
    if (!openGpu(gpu, why)) {
      why = "NVML: " + why;
      return false;
    }
    gpus.push_back(gpu);
    return true;
  }
  for (unsigned index = 0; index < count; ++index) {
    Gpu gpu;
    gpu.name = "GPU " + std::to_string(index);
    std::string gpuWhy;
    if (nvmlReturn_t code = api.getHandle(index, &gpu.device); code != NVML_SUCCESS)
      gpuWhy = gpu.name + ": " + errorText("nvmlDeviceGetHandleByIndex_v2", code);
    else if (openGpu(gpu, gpuWhy)) {
      gpus.push_back(gpu);
      continue;
    }
    skipped += (skipped.empty() ? "" : ", ") + gpuWhy;
  }
  if (gpus.empty()) {
    why = "NVML: no GPU readable: " + skipped;
    return false;
  }
  return true;
}

bool NvmlMeter::openGpu(Gpu &gpu, std::string &why) {
  nvmlReturn_t energyCode = api.getEnergy(gpu.device, &gpu.lastMj);
  if (energyCode == NVML_SUCCESS)
    return true;
  // Pre-Volta GPUs have no energy counter: sample power instead.
  gpu.sampled = true;
  gpu.sampledWhy = errorText("nvmlDeviceGetTotalEnergyConsumption", energyCode);
  gpu.lastTime = Clock::now();
  if (nvmlReturn_t code = api.getPower(gpu.device, &gpu.lastMw); code != NVML_SUCCESS) {
    why = gpu.name + ": " + gpu.sampledWhy + "; " + errorText("nvmlDeviceGetPowerUsage", code);
    return false;
  }
  return true;
}

std::string NvmlMeter::describe() const {
  std::string counted;
  for (const Gpu &gpu : gpus)
    if (!gpu.sampled)
      counted += (counted.empty() ? "" : ", ") + gpu.name;
  std::vector<std::string> parts;
  if (!counted.empty())
    parts.push_back("energy counter on " + counted);
  for (const Gpu &gpu : gpus)
    if (gpu.sampled)
      parts.push_back("power sampling on " + gpu.name +
                      ": no energy counter (" + gpu.sampledWhy + ")");
  if (!skipped.empty())
    parts.push_back("skipped " + skipped);
  std::string text = "NVML";
  for (size_t i = 0; i < parts.size(); ++i)
    text += (i == 0 ? " " : "; ") + parts[i];
  return text;
}

bool NvmlMeter::sinceLast(const Gpu &gpu, double &joules, unsigned long long &counter,
                          unsigned &milliwatts, Clock::time_point &time, std::string &error) const {
  std::string name = gpu.name + ": ";
  if (!gpu.sampled) {
    if (nvmlReturn_t code = api.getEnergy(gpu.device, &counter); code != NVML_SUCCESS) {
      error = name + errorText("nvmlDeviceGetTotalEnergyConsumption", code);
      return false;
    }
    // The counter is 64-bit millijoules since the driver loaded: it only goes
    // back if the driver was reloaded under us, and then nothing is known.
    if (counter < gpu.lastMj) {
      error = name + "energy counter went back (driver reloaded?)";
      return false;
    }
    joules = double(counter - gpu.lastMj) / 1e3;
    return true;
  }
  time = Clock::now();
  if (nvmlReturn_t code = api.getPower(gpu.device, &milliwatts); code != NVML_SUCCESS) {
    error = name + errorText("nvmlDeviceGetPowerUsage", code);
    return false;
  }
  double seconds = std::chrono::duration<double>(time - gpu.lastTime).count();
  joules = 0.5 * (double(gpu.lastMw) + double(milliwatts)) * 1e-3 * seconds;
  return true;
}

bool NvmlMeter::read(const WorkCost &, double, double &joules, std::string &error) {
  // All GPUs are read before any state changes, so a failed read loses no
  // interval.
  struct Reading {
    double joules = 0;
    unsigned long long counter = 0;
    unsigned milliwatts = 0;
    Clock::time_point time;
  };
  std::vector<Reading> readings(gpus.size());
  for (size_t i = 0; i < gpus.size(); ++i) {
    Reading &r = readings[i];
    if (!sinceLast(gpus[i], r.joules, r.counter, r.milliwatts, r.time, error))
      return false;
  }
  joules = 0;
  for (size_t i = 0; i < gpus.size(); ++i) {
    Gpu &gpu = gpus[i];
    gpu.joules += readings[i].joules;
    if (gpu.sampled) {
      gpu.lastMw = readings[i].milliwatts;
      gpu.lastTime = readings[i].time;
    } else {
      gpu.lastMj = readings[i].counter;
    }
    joules += gpu.joules;
  }
  return true;
}

} // namespace

std::unique_ptr<EnergyMeter> sweep::openNvmlMeter(const std::string &library,
                                                  const std::string &busId, std::string &why) {
  // RTLD_LOCAL: NVML's symbols stay out of the global namespace, so the
  // driver's libraries cannot interpose on anything else in the process.
  void *handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *detail = ::dlerror();
    why = "cannot load NVML (" + library + "): " + (detail ? detail : "unknown dlopen error");
    return nullptr;
  }
  NvmlApi api;
  if (!resolveApi(handle, library, api, why)) {
    ::dlclose(handle);
    return nullptr;
  }
  auto meter = std::make_unique<NvmlMeter>(handle, api);
  if (!meter->open(busId, why))
    return nullptr; // The destructor shuts NVML down and unloads it.
  return meter;
}
