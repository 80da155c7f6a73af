//===- BatchStream.h - one pass of minibatches, each announced ahead -*- C++ -*-===//
//
// The trainer's passes over a split (an epoch's shuffled training batches,
// the validation and test batches) go through a BatchStream. Batch k's rows
// are gathered into one of two host buffers while batch k-1's are still in
// use, and announced to the program (GroupProgram::prefetch) before batch
// k-1's call: a GPU program copies them while that call's kernels run. The
// two buffers keep the prefetch contract: a batch's rows stay unchanged until
// the call that uses them has returned. A pass in the split's own order
// copies nothing: its batches point into the split.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_BATCHSTREAM_H
#define SWEEP_RUNTIME_EXEC_BATCHSTREAM_H

#include "runtime/data/Dataset.h"
#include "runtime/exec/GroupProgram.h"

#include <cstdint>
#include <vector>

namespace sweep {

class BatchStream {
public:
  /// The first `rows` samples of `split` (all when negative) in batches of
  /// `batchSize` (the last one shorter), in the order `order` gives (the
  /// split's own order when null), for `program`.
  BatchStream(const Dataset &data, const Split &split, const uint32_t *order, int64_t batchSize,
              GroupProgram &program, int64_t rows = -1);

  /// How many batches the pass has.
  int64_t count() const { return batches; }
  /// Batch k, for the call that uses it, after announcing batch k+1 to the
  /// program (and batch 0 first when k is 0). Take them in order, each once,
  /// and only after the call that used the one before has returned.
  const Batch &take(int64_t k);

private:
  struct Rows {
    std::vector<float> x, targets;
    std::vector<int32_t> classes;
    Batch batch;
  };
  /// Gathers batch k into its buffer and announces it.
  void gatherAndAnnounce(int64_t k);

  const Dataset &data;
  const Split &split;
  const uint32_t *order;
  int64_t batchSize, rows, batches;
  GroupProgram &program;
  Rows buffers[2];
};

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_BATCHSTREAM_H
