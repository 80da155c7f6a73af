//===- SweepRunner.h - one sweep, end to end --------------------*- C++ -*-===//
//
// What `sweepc run` does with a SweepJob, and what a `sweepc build`
// executable does with the job built into it: choose the device, load the
// data while the groups compile, open the results directory (fresh, resumed
// or overwritten), open the energy meter, train every run, then write
// summary.json and print the leaderboard and the energy report. Everything
// that can fail on bad input is checked before the first results file is
// written. Plain C++: no LLVM, no MLIR, no front end.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_SWEEPRUNNER_H
#define SWEEP_RUNTIME_DRIVER_SWEEPRUNNER_H

#include "runtime/cluster/Cluster.h"
#include "runtime/driver/MemoryFit.h"
#include "runtime/exec/GroupProgram.h"
#include "runtime/exec/SweepJob.h"

#include <memory>
#include <string>

namespace sweep {

/// The options of `sweepc run` that a standalone executable accepts too.
struct RunSettings {
  std::string program = "sweepc"; // Prefix of messages.
  /// Finishes the sweep (`sweepc run FILE --resume`), for the messages of an
  /// interrupted sweep and of a spent energy budget.
  std::string resumeCommand = "sweepc run --resume";
  std::string resultsDir = "results";
  bool resume = false, overwrite = false, quiet = false;
  bool energyOff = false; // No meter, no probes, no joules.
  bool noCompaction = false; // Stopped runs stay in their programs (to measure compaction).
  unsigned threads = 0;   // Programs trained at once on the CPU; 0: every core.
  /// Programs trained at once on a GPU, each from its own thread on its own
  /// CUDA stream (the host code creates one per call), so one program's
  /// copies, launches and synchronizations overlap another's kernels.
  unsigned streams = 1;
  unsigned top = 10;      // Leaderboard rows.
  uint64_t maxMemory = 0; // --max-memory (0: none); reported beside the programs' peak.
  /// --save-weights: the trained parameters of this many best runs are kept
  /// as <results>/<sweep>/weights/r<id>.npz (WeightKeeper); 0: none.
  size_t saveWeights = 0;
  /// cpu, cuda, auto, or "" for the sweep's `device` setting.
  std::string device;
  /// Appended to a data file's error (a built executable's pointer to --data-dir).
  std::string dataErrorHint;
  /// The processes sharing the sweep (MPI ranks); null: this one alone.
  Cluster *cluster = nullptr;
};

/// Where the backends come from: `sweepc run` compiles with a JIT, a built
/// executable links its code.
/// The GPU a BackendSource opened.
struct OpenedGpu {
  std::string name;     ///< For messages and summary.json.
  std::string pciBusId; ///< How NVML finds it ("" when the driver did not say).
};

class BackendSource {
public:
  virtual ~BackendSource() = default;
  /// The CPU backend (never null).
  virtual Backend &cpu() = 0;
  /// The GPU backend, opened on first use (openGpu); null with `why` when
  /// there is no usable GPU (no driver, no device, no code for it).
  Backend *gpu(std::string &why) {
    if (!triedGpu) {
      triedGpu = true;
      gpuBackend = openGpu(gpuProblem, opened);
    }
    why = gpuProblem;
    return gpuBackend.get();
  }
  /// The GPU's name for messages and summary.json ("" before gpu()).
  std::string gpuName() const { return opened.name; }
  /// The GPU's PCI bus id, for the energy meter ("" before gpu() or unknown).
  std::string gpuBusId() const { return opened.pciBusId; }

protected:
  /// The GPU backend, or null with `problem`; `gpu` says which device.
  virtual std::unique_ptr<Backend> openGpu(std::string &problem, OpenedGpu &gpu) = 0;
  /// Drops the GPU backend (before the runtime it uses closes).
  void dropGpu() { gpuBackend.reset(); }

private:
  bool triedGpu = false;
  std::unique_ptr<Backend> gpuBackend;
  std::string gpuProblem;
  OpenedGpu opened;
};

/// The threads training on the CPU: `settings.threads`, else every core.
unsigned cpuThreads(const RunSettings &settings);

/// The warning for `--OPTION=jobs` above the cores this process may use ("" when
/// it is not): said, not refused, since oversubscribing may be meant (a
/// shared machine's quota); the programs then share cores, none trains faster.
std::string oversubscribedWarning(const std::string &option, unsigned jobs);

/// Before the first of a command's sweeps trains: false, with the error
/// said (by rank 0 of several), when the results folder of one of
/// `sweepNames` holds earlier results and neither --resume nor --overwrite
/// was given. A later sweep's folder would otherwise stop the command after
/// the earlier sweeps trained. (True for an unknown --device: that is each
/// sweep's first error.)
bool sweepFoldersFree(const std::vector<std::string> &sweepNames, const RunSettings &settings);

/// Trains `job` and writes its results; the process exit status. With
/// several ranks (settings.cluster), each trains its share and rank 0 merges
/// the results; a rank that fails ends them all (MPI_Abort).
int runSweepJob(const SweepJob &job, const RunSettings &settings, BackendSource &backends);
/// The same on `cluster`, returning a failure instead of ending the ranks.
int runSweepJobOn(const SweepJob &job, const RunSettings &settings, BackendSource &backends,
                  Cluster &cluster);

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_SWEEPRUNNER_H
