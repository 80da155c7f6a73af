//===- WeightKeeper.h - the trained weights of the best runs ----*- C++ -*-===//
//
// `sweepc run --save-weights=N` keeps the trained parameters of the N best
// runs (by the leaderboard's ranking: docs/results.md) as
// <results>/<sweep>/weights/r<id>.npz: for each dense layer l, `dense<l>.weight`
// [inputs, outputs] and `dense<l>.bias` [outputs], the values the run's final
// metrics in runs.csv were measured with (at its stop, for a run that stopped
// early).
//
// The best runs are known only at the end, and a run's parameters live only
// as long as its program, so each finished run that ranks among the best N
// seen so far is written at once, before its runs.csv row, and the file of
// the run it displaces is removed: at most N files (plus those of an earlier,
// interrupted invocation) exist at any time. settle() then keeps exactly the
// files of the N best of all the sweep's runs, resumed ones included.
// Thread-safe: the programs of several threads finish runs at once.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_WEIGHTKEEPER_H
#define SWEEP_RUNTIME_RESULTS_WEIGHTKEEPER_H

#include "runtime/exec/SweepJob.h"
#include "runtime/results/RunRecord.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace sweep {

class WeightKeeper {
public:
  /// Keeps `count` runs' weights in `directory` (created when a file is
  /// written, if it is missing), ranked by a value where higher or lower is
  /// better.
  WeightKeeper(std::string directory, size_t count, bool higherIsBetter);

  /// Whether `name` is one of the keeper's files: r<digits>.npz, or one cut
  /// short by a kill (r<digits>.npz.partial). Nothing else in the directory
  /// is touched.
  static bool isWeightsFile(const std::string &name);
  /// Removes every weights file of `directory` (--overwrite, a fresh start).
  static void discardAll(const std::string &directory);

  const std::string &directory() const { return dir; }
  size_t count() const { return keep; }
  /// Run `id`'s file, whether or not it exists.
  std::string pathOf(uint64_t id) const;

  /// Whether a run ending with ranking value `value` (NaN: unranked) would
  /// be among the best this process has kept; cheap, so the trainer asks
  /// before reading a run's parameters back.
  bool wants(double value, uint64_t id) const;
  /// Writes run `id`'s `parameters` (each dense layer of `group`: weights,
  /// then bias) if it still ranks among the best kept, and removes the file
  /// of the run it displaces. False with `error` when a file cannot be
  /// written or the parameters do not fit the group's layers.
  bool offer(uint64_t id, double value, const GroupSpec &group,
             const std::vector<float> &parameters, std::string &error);

  /// After the sweep: keeps the files of the first `count` of `ranked` (best
  /// first: rankRuns) and removes every other r<id>.npz. Returns the ids of
  /// those runs that have no file (they finished in an invocation that did
  /// not save weights) in `missing`, and the files kept, best first.
  std::vector<std::string> settle(const std::vector<const RunRecord *> &ranked,
                                  std::vector<uint64_t> &missing);

private:
  bool better(double a, uint64_t idA, double b, uint64_t idB) const {
    if (a != b)
      return higher ? a > b : a < b;
    return idA < idB;
  }

  std::string dir;
  size_t keep;
  bool higher;
  mutable std::mutex mutex;
  struct Kept {
    double value;
    uint64_t id;
  };
  std::vector<Kept> kept; // Written by this process, best first.
};

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_WEIGHTKEEPER_H
