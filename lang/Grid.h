//===- Grid.h - expanding a sweep into runs ---------------------*- C++ -*-===//
//
// A run is one index per slot of the SweepSpec (one slot per axis, then one per
// choice); a slot of an alternative the run did not take holds kInactive. Runs
// are enumerated like nested loops, the factor written first varying slowest,
// and keep as id their position in that enumeration before `where` filters, so
// adding a constraint never renumbers the other runs.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_GRID_H
#define SWEEP_LANG_GRID_H

#include "lang/Builtins.h"
#include "lang/Diagnostics.h"
#include "lang/SweepSpec.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <map>
#include <vector>

namespace sweep {

constexpr uint32_t kInactive = UINT32_MAX;

class RunTable {
public:
  explicit RunTable(size_t numSlots = 0) : numSlots(numSlots) {}

  size_t size() const { return ids.size(); }
  uint64_t getId(size_t run) const { return ids[run]; }
  llvm::ArrayRef<uint32_t> getIndices(size_t run) const {
    return llvm::ArrayRef<uint32_t>(slots).slice(run * numSlots, numSlots);
  }
  void append(uint64_t id, llvm::ArrayRef<uint32_t> indices) {
    ids.push_back(id);
    slots.insert(slots.end(), indices.begin(), indices.end());
  }
  void reserve(size_t runs) {
    ids.reserve(runs);
    slots.reserve(runs * numSlots);
  }

private:
  size_t numSlots;
  std::vector<uint32_t> slots;
  std::vector<uint64_t> ids;
};

/// The number of runs before `where` filters, saturating at UINT64_MAX.
uint64_t countUnconstrainedRuns(const SweepSpec &spec);

/// Expands `spec`. Reports an error if the grid is larger than kMaxRuns or if
/// `where` removes every run, and warns about a `where` that removes none.
/// `maxRuns` lowers the limit, for tools that must stay fast (the fuzzer).
mlir::FailureOr<RunTable> expandGrid(const SweepSpec &spec, SourceDiagnostics &diags,
                                     uint64_t maxRuns = kMaxRuns);

/// The value of every path for the run with `indices`; None where inactive.
void resolveRun(const SweepSpec &spec, llvm::ArrayRef<uint32_t> indices,
                std::vector<Value> &values);

/// Whether a setting path belongs to a run's configuration (its runs.csv
/// column and config hash). `energy(...)` and `prune` do not: metering, the
/// budget and the prune rule apply to the sweep (summary.json records them),
/// so changing them keeps `--resume` working with the runs already finished.
bool isRunSetting(llvm::StringRef path);

/// Hashes a run's complete configuration to 64 bits. The hash combines, in
/// path-name order, a hash of each set path with a hash of its value's kind and
/// bits, so it does not depend on the order axes were written or on an axis's
/// other values: the same configuration hashes the same across edits. A
/// model's name brings in the hash of its declaration (ModelHash.h), so an
/// edited model body is another configuration.
class ConfigHasher {
public:
  explicit ConfigHasher(const SweepSpec &spec);
  /// `values` as resolveRun fills them.
  uint64_t hash(llvm::ArrayRef<Value> values) const;

private:
  std::map<int, llvm::StringMap<uint64_t>> modelHashes; // Path id -> model name -> hash.
  std::vector<int> pathsByName;
  std::vector<uint64_t> pathHashes; // Indexed by path id.
  std::vector<bool> runSetting;     // Indexed by path id: isRunSetting.
};

} // namespace sweep

#endif // SWEEP_LANG_GRID_H
