//===- EnergyMeter.h - where joules come from -------------------*- C++ -*-===//
//
// One interface for every source of energy figures: RAPL counters through
// /sys/class/powercap, NVIDIA's NVML total-energy counter (loaded with
// dlopen), and a documented model (energy per FLOP and per DRAM byte,
// docs/energy.md) where no meter is readable. Every figure carries its source
// ("measured:rapl", "measured:nvml", "estimated:model") so that no estimate is
// ever passed off as a measurement.
//
// Meters are read per window of many training steps (never per kernel): a
// reading is the energy since the meter was opened, in joules.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_ENERGY_ENERGYMETER_H
#define SWEEP_RUNTIME_ENERGY_ENERGYMETER_H

#include <cstdint>
#include <memory>
#include <string>

namespace sweep {

/// Static cost of some work: what the model turns into joules and what the
/// attribution uses as weights.
struct WorkCost {
  double flops = 0;
  double bytes = 0; ///< Moved to or from DRAM (an upper bound: every operand once).
  WorkCost &operator+=(const WorkCost &other) {
    flops += other.flops;
    bytes += other.bytes;
    return *this;
  }
};

class EnergyMeter {
public:
  virtual ~EnergyMeter() = default;
  /// "measured:rapl", "measured:nvml", "estimated:model".
  virtual std::string source() const = 0;
  /// Human-readable detail for logs: the domains read, or why the model is used.
  virtual std::string describe() const = 0;
  /// Joules since the meter was opened; false (with `error`) when the reading
  /// failed. Measuring meters ignore `work`; the model integrates it (the
  /// static cost of everything done since opening, reported by the caller)
  /// together with `seconds` since opening (idle power).
  virtual bool read(const WorkCost &work, double seconds, double &joules, std::string &error) = 0;
  /// True for the model: its joules are an estimate.
  bool isEstimate() const { return source().rfind("estimated:", 0) == 0; }
};

/// The energy model used where no meter is readable; its constants and their
/// sources are in docs/energy.md.
struct EnergyModel {
  double joulesPerFlop = 0;
  double joulesPerByte = 0;
  double idleWatts = 0;
  /// The documented CPU model (x86-64 server cores, fp32 SIMD FMA), with the
  /// idle power of `cores` cores (at most the machine's: more threads share them).
  static EnergyModel cpu(unsigned cores = 1);
  double joules(const WorkCost &work, double seconds) const {
    return work.flops * joulesPerFlop + work.bytes * joulesPerByte + seconds * idleWatts;
  }
};

/// RAPL package and DRAM domains under `root` (normally
/// "/sys/class/powercap"), counter wrap-around handled. Null with `why` set
/// when no domain is readable (absent, or root-only as in most VMs).
std::unique_ptr<EnergyMeter> openRaplMeter(const std::string &root, std::string &why);

/// NVML's total-energy counter of the GPU at PCI bus `busId` ("0000:3B:00.0",
/// as the CUDA driver gives it), or of every GPU NVML sees when `busId` is
/// empty, through dlopen(`library`) (normally "libnvidia-ml.so.1"); power
/// sampling where a GPU lacks the counter. Null with `why` set when the
/// library, a symbol, the init, the GPU at `busId` or every device fails.
std::unique_ptr<EnergyMeter> openNvmlMeter(const std::string &library, const std::string &busId,
                                           std::string &why);

/// The model, saying in describe() why it is used (`why`).
std::unique_ptr<EnergyMeter> openModelMeter(const EnergyModel &model, const std::string &why);

/// The best meter for the CPU: RAPL (root from $SWEEPC_POWERCAP_ROOT, else
/// /sys/class/powercap), else the CPU model for `cores` cores in use with
/// RAPL's reason.
std::unique_ptr<EnergyMeter> openCpuMeter(unsigned cores = 1);

} // namespace sweep

#endif // SWEEP_RUNTIME_ENERGY_ENERGYMETER_H
