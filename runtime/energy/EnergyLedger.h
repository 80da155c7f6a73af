//===- EnergyLedger.h - joules attributed to phases and runs ----*- C++ -*-===//
//
// The ledger reads a meter once per window of work (about a second, many
// training steps) and splits the window's joules:
//   - over phases (forward, backward, update, eval) by their static cost, and
//   - over runs by their share of the work: a program's work is shared by
//     the runs alive in it at the time (diverged and stopped runs stop
//     costing; their programs still compute them, and the alive runs pay).
// The static cost becomes a weight through the energy model (FLOPs and bytes
// at their energy per unit), so a byte-heavy update and a FLOP-heavy product
// weigh by what they plausibly cost. Splits are made in whole microjoules with
// the largest-remainder rule: per-run (and per-phase) figures add up exactly
// to the metered total. A window with no work (the machine idle between
// chunks) stays unattributed and is reported as such. Thread-safe.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_ENERGY_ENERGYLEDGER_H
#define SWEEP_RUNTIME_ENERGY_ENERGYLEDGER_H

#include "runtime/energy/EnergyMeter.h"
#include "runtime/energy/Probes.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace sweep {

/// Microjoules as joules: the double nearest the decimal, so that results
/// files show 0.001221, not 0.0012209999999999999 (micro * 1e-6 rounds twice).
inline double joulesFromMicro(int64_t microjoules) { return double(microjoules) / 1e6; }

class EnergyLedger {
public:
  /// `weights` turns static costs into attribution weights.
  EnergyLedger(std::unique_ptr<EnergyMeter> meter, double windowSeconds,
               const EnergyModel &weights = EnergyModel::cpu());

  const EnergyMeter &meter() const { return *source; }

  /// Measures the idle power over `seconds` before any work (measuring meters
  /// only; the model's idle power is its own). Reported, never subtracted.
  void measureIdle(double seconds);

  /// An account for a program's runs (their ids, in the program's order).
  size_t openAccount(const std::vector<uint64_t> &runIds);
  /// The program kept runs keep[0], keep[1], ... (gather): later work goes to
  /// those only.
  void compactAccount(size_t account, const std::vector<size_t> &keep);
  /// The runs were recorded without joules (the reading at their end
  /// failed): the joules earlier readings gave them, and those a later
  /// reading gives their work, are nobody's (unattributed).
  void abandonRuns(const std::vector<uint64_t> &runIds);
  /// Work the program did since its last report, shared by the runs with
  /// alive[i] (i in the account's current order). Closes the window when due.
  void addWork(size_t account, const PhaseWork &work, const uint8_t *alive);

  /// Reads the meter and splits the window now; false with `error` when this
  /// reading failed (the window's work then waits for the next one, and the
  /// figures so far are incomplete).
  bool closeWindow(std::string &error);

  /// Figures so far (closed windows only).
  double runJoules(uint64_t runId) const;
  int64_t runMicrojoules(uint64_t runId) const;
  int64_t totalMicrojoules() const;
  int64_t unattributedMicrojoules() const;
  std::map<std::string, int64_t> phaseMicrojoules() const;
  double totalJoules() const { return joulesFromMicro(totalMicrojoules()); }
  /// Joules spent so far, the open window's included: what an energy budget
  /// is checked against at every step (a window is 200 ms, a whole small
  /// sweep may take less). The model is read now (it is arithmetic); a
  /// measuring meter is not (a reading costs a system call, and its counter
  /// moves only every few milliseconds), so the open window is projected at
  /// the power of the windows read so far, or before the first reading,
  /// weighed by the model from its work.
  double spentJoules();
  /// Seconds from the start to the last reading that succeeded: the time
  /// the joules cover (the idle baseline is counted over it).
  double seconds() const;
  /// Idle power (measured by measureIdle, or the model's), in watts; 0 unknown.
  double idleWatts() const;
  /// The first meter error, if reading ever failed.
  std::string error() const;
  /// Whether the last reading failed (figures are incomplete until one works).
  bool lastReadFailed() const;

private:
  struct Account {
    std::vector<uint64_t> runs;
    std::vector<double> weights; // Per run, this window.
  };
  void closeLocked();
  double weightOf(const WorkCost &cost) const;

  std::unique_ptr<EnergyMeter> source;
  EnergyModel weights;
  double windowSeconds;
  double idle = 0;
  bool idleMeasured = false;
  std::chrono::steady_clock::time_point start, windowStart;
  std::chrono::steady_clock::time_point lastReading; // The last that succeeded.
  mutable std::mutex mutex;
  std::vector<Account> accounts;
  std::map<std::string, double> phaseWeights; // This window.
  WorkCost workSinceStart;                    // For the model meter.
  int64_t meteredMicro = 0;                   // Through the last closed window.
  int64_t unattributed = 0;
  int64_t attributed = 0; // The sum of perRun (the budget check reads it every step).
  std::map<uint64_t, int64_t> perRun;
  std::set<uint64_t> abandoned; // abandonRuns.
  std::map<std::string, int64_t> perPhase;
  std::string firstError;
  bool readFailed = false;
};

/// Splits `total` whole units over `weights` in proportion, by the largest
/// remainder: the parts add up to `total` exactly. All-zero weights: all
/// parts zero (the caller keeps `total`).
std::vector<int64_t> splitByWeight(int64_t total, const std::vector<double> &weights);

} // namespace sweep

#endif // SWEEP_RUNTIME_ENERGY_ENERGYLEDGER_H
