//===- CompactionSize.h - how small a program compaction makes --*- C++ -*-===//
//
// After an epoch in which runs stopped, the trainer may gather a program's
// live runs into a smaller one (GroupProgram::gather). A compiling backend
// has code for a run count only once it compiled it, so each size is a
// trade: a size close to the live count computes few stopped runs but may
// need a compilation; a size the group already has may be free but carries
// stopped runs as padding, which cost as much as live ones. The backend
// offers sizes (Backend::compactionSizes), the trainer takes the one that
// saves the most time net of its preparation (chooseCompactionSize).
//
// A compiling backend offers two: the live count rounded up to a sixteenth
// of the next power of two (less than an eighth padding; exactly the live
// count up to 16), and that power of two (up to half padding, but one size
// for every live count between it and its half, so the group's later
// programs, which compact alike, reuse its code: its compilation is shared
// among them). A fine size is charged its whole compilation, so it is
// compiled only where the one program's saving pays for it: a GPU program of
// 12,500 runs with 4,166 left becomes 4,608 runs rather than 8,192 when the
// epochs left at 3,584 runs fewer save more than a compilation; a CPU chunk of
// 16 runs with 5 left, whose epochs take milliseconds, becomes 8.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_COMPACTIONSIZE_H
#define SWEEP_RUNTIME_EXEC_COMPACTIONSIZE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace sweep {

/// A run count a backend offers to compact a program to.
struct CompactionSizeOffer {
  size_t runs = 0;
  /// Whether the group's later programs would likely compact to it too, so
  /// that one compilation serves them all (a power of two); else only this
  /// program is sure to use it.
  bool sharedWithLaterPrograms = false;

  bool operator==(const CompactionSizeOffer &other) const {
    return runs == other.runs && sharedWithLaterPrograms == other.sharedWithLaterPrograms;
  }
};

/// The sizes a compiling backend offers for `alive` live runs (alive >= 1):
/// the live count rounded up to a sixteenth of the next power of two, then
/// that power of two (shared) when it differs; increasing.
std::vector<CompactionSizeOffer> compilingCompactionSizes(size_t alive);

/// What the trainer knows when it considers compacting a program.
struct CompactionCase {
  size_t runs = 0;            ///< The program's run count now.
  size_t live = 0;            ///< Its runs that train on.
  double secondsPerEpoch = 0; ///< Its last epoch's time.
  int64_t epochsLeft = 0;     ///< Epochs it still trains.
  size_t laterChunks = 0;     ///< The group's programs after it.
};

/// The size among `offers` that saves the most time net of preparing it, or
/// 0 when none saves more than it costs. The saving is this program's epochs
/// left at the smaller size; the cost `secondsToPrepare(size)`, divided among
/// this program and the later ones for a size shared with them. Sizes below
/// the live runs or not below the program's are skipped; a smaller size wins
/// a tie.
size_t chooseCompactionSize(const CompactionCase &program,
                            const std::vector<CompactionSizeOffer> &offers,
                            const std::function<double(size_t)> &secondsToPrepare);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COMPACTIONSIZE_H
