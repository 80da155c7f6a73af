//===- BatchStream.cpp - one pass of minibatches, each announced ahead ----===//

#include "runtime/exec/BatchStream.h"

#include <algorithm>

using namespace sweep;

BatchStream::BatchStream(const Dataset &data, const Split &split, const uint32_t *order,
                         int64_t batchSize, GroupProgram &program, int64_t rows)
    : data(data), split(split), order(order), batchSize(std::max<int64_t>(1, batchSize)),
      rows(rows < 0 ? split.count : std::min(rows, split.count)), program(program) {
  batches = (this->rows + this->batchSize - 1) / this->batchSize;
}

const Batch &BatchStream::take(int64_t k) {
  if (k == 0)
    gatherAndAnnounce(0);
  if (k + 1 < batches)
    gatherAndAnnounce(k + 1);
  return buffers[k % 2].batch;
}

void BatchStream::gatherAndAnnounce(int64_t k) {
  Rows &into = buffers[k % 2];
  int64_t from = k * batchSize, n = std::min(batchSize, rows - from);
  int64_t d = data.inputs, t = data.targets;
  bool classification = data.isClassification();
  if (!order) {
    // In the split's own order (evaluation) the batch's rows already lie
    // together in the split, which stays unchanged: no copy.
    into.batch.x = split.x.data() + from * d;
    into.batch.classes = classification ? split.classes.data() + from : nullptr;
    into.batch.targets = classification ? nullptr : split.targets.data() + from * t;
    into.batch.n = n;
    into.batch.id = nextBatchId();
    program.prefetch(into.batch);
    return;
  }
  into.x.resize(size_t(n * d));
  if (classification)
    into.classes.resize(size_t(n));
  else
    into.targets.resize(size_t(n * t));
  for (int64_t i = 0; i < n; ++i) {
    int64_t row = order ? int64_t(order[from + i]) : from + i;
    std::copy_n(split.x.data() + row * d, d, into.x.data() + i * d);
    if (classification)
      into.classes[size_t(i)] = split.classes[size_t(row)];
    else
      std::copy_n(split.targets.data() + row * t, t, into.targets.data() + i * t);
  }
  into.batch.x = into.x.data();
  into.batch.classes = classification ? into.classes.data() : nullptr;
  into.batch.targets = classification ? nullptr : into.targets.data();
  into.batch.n = n;
  into.batch.id = nextBatchId();
  program.prefetch(into.batch);
}
