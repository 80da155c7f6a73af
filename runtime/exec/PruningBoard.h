//===- PruningBoard.h - runs judged against the runs before them -*- C++ -*-===//
//
// The sweep's `prune` rule judges the runs a program trains, after an epoch,
// together, against each other and against every run before them in the
// sweep's training order (groups in order, each group's runs in order: the
// order trainSweep cuts programs in). A program waits at such an epoch until
// the programs before it have reported it (they started earlier, so they are
// rarely far behind). Verdicts so depend on the runs' metrics and on how the
// sweep is cut into programs, not on threads or timing: a sweep cut the same
// way (the same machine and options, or a fixed --runs-per-program) prunes
// the same runs, and so does a resumed one, whose runs finished earlier are
// replayed from their curves.
//
// asha: the rule of Li et al., "A System for Massively Parallel
// Hyperparameter Tuning" (MLSys 2020), for runs that cannot be paused, as in
// Optuna's SuccessiveHalvingPruner: rungs at epochs grace * reduction^k; at a
// rung a run goes on if its metric is among the best max(1, floor(n /
// reduction)) of the n values recorded there, by its program's runs and the
// runs before them (ties go on). A group trained as one program is thus
// halved exactly as synchronous successive halving would.
// median: the median stopping rule of Golovin et al., "Google Vizier" (KDD
// 2017), as in Optuna's MedianPruner: from epoch `grace` on, a run stops when
// its best value so far is worse than the median of the n values recorded at
// that epoch (the same runs as for asha), once n - 1 >= min_runs.
//
// Neither rule judges a run at its last epoch: stopping it then saves nothing.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_PRUNINGBOARD_H
#define SWEEP_RUNTIME_EXEC_PRUNINGBOARD_H

#include "runtime/exec/SweepJob.h"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <functional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace sweep {

/// Whether `rule` looks at runs after `epoch`: asha's rungs, median's epochs
/// from grace on (never, for none).
bool pruneLooksAt(const PruneSpec &rule, int64_t epoch);

class PruningBoard {
public:
  /// A board for `job`'s prune rule, its runs in training order.
  explicit PruningBoard(const SweepJob &job);

  bool active() const { return spec.kind != PruneKind::None; }
  const PruneSpec &rule() const { return spec; }
  /// Whether the rule looks at runs after `epoch` (pruneLooksAt).
  bool looksAt(int64_t epoch) const { return pruneLooksAt(spec, epoch); }
  /// The training-order position of job.runs[runIndex].
  size_t positionOf(uint32_t runIndex) const { return position[runIndex]; }

  /// Judges a program's runs after `epoch`: their positions (increasing),
  /// metrics (finite) and best values so far (the metric's, over the epochs
  /// the rule looks at). asha compares each run's metric at the rung, the
  /// median rule its best so far. Waits until every run before them has reported
  /// `epoch` or left. Returns whether each trains on: true where the rule does
  /// not judge (the run's last epoch). Every live run of a program takes part
  /// at each epoch the rule looks at, also when it stops for another reason.
  /// `complete` (when given) is false when a run before them was cut short
  /// (leave's `cutShort`) before this epoch: the verdicts then lack a value
  /// an uninterrupted sweep would have ranked.
  std::vector<bool> judge(int64_t epoch, const std::vector<size_t> &positions,
                          const std::vector<double> &values, const std::vector<double> &bests,
                          bool *complete = nullptr);
  /// A run finished by an earlier invocation (--resume): its metric after
  /// `epoch` counts for the runs after it; it is not judged.
  void replay(size_t pos, int64_t epoch, double value);
  /// The run reports no epoch after `lastEpoch` (it stopped, diverged, was
  /// cut short, or failed): later runs stop waiting for it. `cutShort`: it
  /// would have reported later epochs in an uninterrupted sweep (the energy
  /// budget or an error ended its program), so verdicts given without it
  /// are not those of such a sweep.
  void leave(size_t pos, int64_t lastEpoch, bool cutShort = false);

private:
  /// The best `k` values seen and the rest, as two heaps, for the k-th best
  /// value in O(log n) while values arrive (k grows with their count).
  class Ranks {
  public:
    explicit Ranks(bool higherIsBetter) : higher(higherIsBetter) {}
    void insert(double value);
    /// Keeps exactly k values in the best heap (k <= size()).
    void keepBest(size_t k);
    size_t size() const { return best.size() + rest.size(); }
    /// The worst of the best k, and the best of the rest.
    double kthBest() const { return toValue(best.top()); }
    double nextBest() const { return toValue(rest.top()); }
    bool better(double a, double b) const { return higher ? a > b : a < b; }

  private:
    // Keys are "lower is better": the value, negated when higher is better.
    double toKey(double v) const { return higher ? -v : v; }
    double toValue(double key) const { return higher ? -key : key; }
    bool higher;
    std::priority_queue<double> best;                                     // Top: the worst best.
    std::priority_queue<double, std::vector<double>, std::greater<>> rest; // Top: the best rest.
  };
  /// The runs one judge() call posted, and then their verdicts.
  struct Cohort {
    std::vector<size_t> positions;
    std::vector<double> values, bests;
    size_t waiting = 0; // Members not yet ranked.
    std::vector<bool> verdicts;
    bool complete = true;
  };
  struct Epoch {
    explicit Epoch(bool higher) : ranks(higher) {}
    size_t frontier = 0; // Positions below it are ranked.
    struct Posted {
      double value;
      Cohort *cohort; // Null for a replayed run.
    };
    std::unordered_map<size_t, Posted> pending; // Posted at or past the frontier.
    Ranks ranks;                                // Values of the positions below the frontier.
    bool lacksCutShortRun = false; // The frontier passed a run cut short before this epoch.
  };

  Epoch &epochLocked(int64_t epoch);
  /// Ranks positions from the frontier on while they have posted or left,
  /// judging each cohort once its last member is ranked.
  void advanceLocked(int64_t epoch, Epoch &state);
  void judgeLocked(int64_t epoch, Epoch &state, Cohort &cohort);

  PruneSpec spec;
  bool higherIsBetter = false;
  std::vector<size_t> position;    // By run index.
  std::vector<int64_t> lastEpoch;  // By position: the last epoch it may report.
  std::vector<int64_t> finalEpoch; // By position: its group's epochs.
  std::vector<uint8_t> cutShort;   // By position: leave()'s cutShort lowered lastEpoch.
  std::mutex mutex;
  std::condition_variable changed;
  std::map<int64_t, Epoch> epochs;
};

/// The order trainSweep trains a group's runs in (indices into job.runs): the
/// group's order, or, when the sweep prunes, the runs shuffled by their
/// config hash. A grid lists runs in order of their settings (learning rates
/// rising, say), so programs cut from it in that order would each hold a
/// slice of the grid, and a rule that judges runs against the runs before
/// them would favour the later, different ones; shuffled programs are fair
/// samples of the group. The hash keeps the order fixed across invocations.
std::vector<uint32_t> trainingOrder(const SweepJob &job, const GroupSpec &group);

/// Whether `metric` is better higher (accuracy) or lower (losses).
bool pruneMetricHigherIsBetter(PruneMetric metric);

/// The rule in one line for `sweepc plan` ("" when the sweep does not prune):
/// its metric and the epochs it judges runs at.
std::string describePruneRule(const SweepJob &job);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_PRUNINGBOARD_H
