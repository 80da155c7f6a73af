//===- CompactionSize.h - how small a program compaction makes --*- C++ -*-===//
//
// After an epoch in which runs stopped, the trainer may gather a program's
// live runs into a smaller one (GroupProgram::gather). A compiling backend
// has code for a run count only once it compiled it, so each size is a
// trade: the live count exactly computes no stopped run but may need a
// compilation; a size the group already has may be free but carries stopped
// runs as padding, which cost as much as live ones. The backend offers the
// sizes (Backend::compactionSizes), the trainer takes the one that saves the
// most time net of its preparation (chooseCompactionSize).
//
// A compiling backend offers two: the next power of two, which keeps a group
// to log2(R) sizes, and the live count rounded up to a sixteenth of that
// power of two, which pads less than an eighth (a power of two pads up to a
// half) and still gives similar chunks the same size, so that the code one
// of them compiles serves the next: a program of 12,500 runs with 4,166 left
// becomes 4,608 runs, not 8,192; one of 16 runs with 5 left becomes 5, not 8.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_COMPACTIONSIZE_H
#define SWEEP_RUNTIME_EXEC_COMPACTIONSIZE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace sweep {

/// The sizes a compiling backend offers for `alive` live runs (alive >= 1):
/// the live count rounded up to a sixteenth of the next power of two, then
/// that power of two when it differs; increasing.
std::vector<size_t> compilingCompactionSizes(size_t alive);

/// What the trainer knows when it considers compacting a program.
struct CompactionCase {
  size_t runs = 0;             ///< The program's run count now.
  double secondsPerEpoch = 0;  ///< Its last epoch's time.
  int64_t epochsLeft = 0;      ///< Epochs it still trains.
  size_t laterChunks = 0;      ///< The group's programs after it, which compact alike.
};

/// The size among `sizes` (each >= the live runs) that saves the most time net
/// of `secondsToPrepare(size)`, or 0 when none saves more than it costs. The
/// saving is the epochs left at the smaller size, for this program and, since
/// the group's later programs compact alike and reuse the code, for them too;
/// a smaller size wins a tie.
size_t chooseCompactionSize(const CompactionCase &program, const std::vector<size_t> &sizes,
                            const std::function<double(size_t)> &secondsToPrepare);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COMPACTIONSIZE_H
