//===- Probes.h - counting the phases a program executes --------*- C++ -*-===//
//
// Compiled programs call `sweep_energy_probe(index)` at the start of each
// phase (convert-energy-to-probe-calls); the index names an entry of the
// program's phase table (function, phase, static cost). A probe increments a
// counter and nothing else, so it costs nanoseconds per phase; the energy
// ledger turns counts x costs into work per window of many steps.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_ENERGY_PROBES_H
#define SWEEP_RUNTIME_ENERGY_PROBES_H

#include "runtime/energy/EnergyMeter.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

/// One probe of a program: the phase it starts and that phase's static cost
/// for all runs of the program.
struct PhaseCost {
  std::string function; ///< "train_step", "evaluate"
  std::string phase;    ///< "forward", "backward", "update", "eval"
  WorkCost cost;
};

/// Work done, by phase, since it was last taken.
struct PhaseWork {
  std::vector<std::pair<std::string, WorkCost>> phases;
  void add(const std::string &phase, const WorkCost &cost);
  WorkCost total() const;
  bool empty() const { return phases.empty(); }
};

/// The probe counters of one program.
class ProbeCounters {
public:
  ProbeCounters() = default;
  explicit ProbeCounters(std::vector<PhaseCost> table)
      : table(std::move(table)), counts(this->table.size(), 0) {}
  /// What a probe call does: one more execution of phase `index`.
  void hit(int64_t index) {
    if (index >= 0 && size_t(index) < counts.size())
      ++counts[size_t(index)];
  }
  /// The index of `phase` of `function` in the table, or -1.
  int64_t indexOf(const std::string &function, const std::string &phase) const;
  /// Adds count x cost of every phase to `work` and restarts the counts.
  void takeWork(PhaseWork &work);
  const std::vector<PhaseCost> &phases() const { return table; }

private:
  std::vector<PhaseCost> table;
  std::vector<uint64_t> counts;
};

/// While it lives, probe calls on this thread count into `counters`.
class ActiveProbes {
public:
  explicit ActiveProbes(ProbeCounters &counters);
  ~ActiveProbes();
  ActiveProbes(const ActiveProbes &) = delete;
  ActiveProbes &operator=(const ActiveProbes &) = delete;

private:
  ProbeCounters *previous;
};

} // namespace sweep

/// The symbol compiled programs call (JIT-registered by codegen/cpu).
extern "C" void sweep_energy_probe(int64_t index);

#endif // SWEEP_RUNTIME_ENERGY_PROBES_H
