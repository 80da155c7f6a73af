//===- GroupProgram.h - the group ABI a backend implements ------*- C++ -*-===//
//
// A GroupProgram trains R runs of one group: the same layers and minibatches,
// each run with its own weights, seed and hyperparameters. The runtime owns
// the data, the epochs, the schedule, divergence and early stopping, and calls
// the program through this interface only (DESIGN.md section 3, "group ABI").
// The reference interpreter implements it in plain C++; compiled backends
// implement it over generated code with a leading run axis.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_GROUPPROGRAM_H
#define SWEEP_RUNTIME_EXEC_GROUPPROGRAM_H

#include "runtime/energy/Probes.h"
#include "runtime/exec/CompactionSize.h"
#include "runtime/exec/ProgramMemory.h"
#include "runtime/exec/SweepJob.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sweep {

/// One minibatch: `n` rows of features with class labels or targets.
struct Batch {
  const float *x = nullptr;         // [n, inputs]
  const int32_t *classes = nullptr; // [n], classification
  const float *targets = nullptr;   // [n, targets], regression
  int64_t n = 0;
  /// Names these rows for GroupProgram::prefetch: the runtime gives every
  /// batch it gathers a new number (nextBatchId). 0: never prefetched.
  uint64_t id = 0;
};

/// A number no batch of this process had before (from 1).
uint64_t nextBatchId();

/// Sums over a batch for one run; the runtime divides by the sample count.
struct EvalSums {
  double loss = 0;
  double correct = 0;      // Classification only.
  double squaredError = 0; // Over every output.
};

/// Checks gather's indices: non-empty, strictly increasing, below `runs`.
bool validGatherIndices(const std::vector<size_t> &keep, size_t runs, std::string &error);

class GroupProgram {
public:
  virtual ~GroupProgram() = default;

  /// Initializes weights (from each run's seed and init) and optimizer state.
  virtual void init() = 0;
  /// One optimizer step on `batch` for every run r with alive[r]: forward,
  /// backward, update with learning rate lr[r]. A run without alive[r] keeps
  /// its weights exactly (its metrics were measured with them, and
  /// --save-weights writes them). `step` counts steps from 0
  /// over the whole training (dropout masks are drawn from it). Writes the
  /// batch's mean loss of run r to loss[r].
  virtual void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                         double *loss) = 0;
  /// Adds run r's sums over `batch` (no dropout) to sums[r] for alive runs.
  virtual void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) = 0;
  /// Announces the batch (named by Batch::id) of the call after the next
  /// one: a program whose code reads device memory starts copying it now,
  /// so that the copy runs while the next call computes (double buffering).
  /// The runtime keeps its rows unchanged until the call that uses them
  /// returns. Programs whose code reads host memory ignore it.
  virtual void prefetch(const Batch &batch) {}
  /// Run r's parameters (each dense layer's weights, then its bias, in layer
  /// order): for --save-weights and for tests that compare backends; false
  /// if the backend cannot, or on a device error (left for takeError).
  virtual bool readParameters(size_t run, std::vector<float> &out) const { return false; }
  /// Compaction: keeps runs keep[0], keep[1], ... (strictly increasing
  /// indices into this program's runs, at least one) as runs 0, 1, ... with
  /// their weights, optimizer state and step counts, and drops the others, so
  /// that stopped runs stop costing. Later calls pass arrays of keep.size()
  /// runs. False with `error` set when the indices are invalid or the backend
  /// cannot build the smaller program.
  virtual bool gather(const std::vector<size_t> &keep, std::string &error) = 0;
  /// The number of runs the program holds now.
  virtual size_t runCount() const = 0;
  /// Adds the static cost of the work done since the last call, by phase, as
  /// the program's energy probes counted it (nothing without probes).
  virtual void takeWork(PhaseWork &work) {}
  /// A failure of the device since the last call, and clears it ("" when
  /// none): a GPU's calls cannot fail one by one (GpuRuntime keeps the first
  /// error), so the trainer asks after every step and evaluation and stops
  /// the sweep with it; finished runs are kept and `--resume` redoes the rest.
  virtual std::string takeError() { return ""; }
};

/// A way to build GroupPrograms: the interpreter, a JIT, ...
class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  /// How many runs one program holds: the backend's choice
  /// (chooseRunsPerProgram), or fewer where the ranks of a multi-process
  /// sweep agreed on fewer (agreeOnRunsPerProgram).
  size_t runsPerProgram(const SweepJob &job, const GroupSpec &group) const {
    size_t chosen = chooseRunsPerProgram(job, group);
    auto agreed = agreedRuns.find(group.label);
    return agreed == agreedRuns.end() ? chosen : std::min(chosen, agreed->second);
  }
  /// From now on, programs of the group labelled `label` hold at most `runs`
  /// runs: the cut every rank of a multi-process sweep trains (the smallest
  /// of theirs, which fits wherever a larger one did).
  void agreeOnRunsPerProgram(const std::string &label, size_t runs) { agreedRuns[label] = runs; }
  /// How the backend schedules `group`'s runs, in one line for `sweepc plan`
  /// ("" when there is nothing to say).
  virtual std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const {
    return "";
  }
  /// The memory this backend's programs live in: the host's by default, a
  /// GPU's for GPU code. A run needing more (leastBytesPerRun) cannot train.
  virtual MemoryLimit memoryLimit() { return hostMemoryLimit(); }
  /// The least a run of `group` holds in this backend's programs (compiled
  /// ones keep the next step's parameters and state beside this step's).
  virtual uint64_t leastBytesPerRun(const GroupSpec &group) const {
    return sweep::leastBytesPerRun(group, /*nextStep=*/true);
  }
  /// Why `group` cannot train within this backend's settings (a --max-memory
  /// too small for one run, say), in a sentence; "" when it can.
  virtual std::string scheduleProblem(const SweepJob &job, const GroupSpec &group) const {
    return "";
  }
  /// How a user makes this backend's programs hold fewer runs, said where
  /// those at once do not fit (SweepRunner's programsAtOnceProblem).
  virtual std::string smallerProgramsAdvice() const {
    return "cap the programs with --max-memory below that";
  }
  /// A program for `runs` of `group`; null with `error` set when the backend
  /// cannot build one (a compiler failure, say).
  virtual std::unique_ptr<GroupProgram>
  create(const GroupSpec &group, std::vector<const RunSpec *> runs, std::string &error) = 0;
  /// Readies what create() needs for `runs` of `group` (compiled code)
  /// without making the program; false with `error` when create() would
  /// fail. By default a program is made and dropped.
  virtual bool prepare(const GroupSpec &group, std::vector<const RunSpec *> runs,
                       std::string &error) {
    return create(group, std::move(runs), error) != nullptr;
  }
  /// The run counts a program of `group` may be compacted to once only
  /// `alive` of its runs train on (each >= alive; gather pads with stopped
  /// runs), or none when this backend does not compact. The trainer takes the
  /// one that saves the most net of secondsToPrepare (CompactionSize.h).
  virtual std::vector<CompactionSizeOffer> compactionSizes(const GroupSpec &group,
                                                           size_t alive) const {
    return {};
  }
  /// Seconds it would take before a program of `runs` runs of `group` could
  /// be made (compiling its code): compaction must save more than that.
  virtual double secondsToPrepare(const GroupSpec &group, size_t runs) const { return 0; }
  /// How many programs a run of `job` compiles (0 for an interpreter): one
  /// per group structure and chunk size.
  virtual size_t programsToCompile(const SweepJob &job) const { return 0; }
  /// Seconds spent compiling programs so far, and how many were compiled;
  /// of those, how many were loaded from the compile cache instead.
  virtual double compileSeconds() const { return 0; }
  virtual size_t programsCompiled() const { return 0; }
  virtual size_t programsFromCompileCache() const { return 0; }

protected:
  /// How many runs one program should hold: the interpreter trains one run at
  /// a time, fused backends a whole group (or a chunk of it).
  virtual size_t chooseRunsPerProgram(const SweepJob &job, const GroupSpec &group) const = 0;

private:
  std::map<std::string, size_t> agreedRuns; ///< By group label.
};

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_GROUPPROGRAM_H
