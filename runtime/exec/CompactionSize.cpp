//===- CompactionSize.cpp - how small a program compaction makes ----------===//

#include "runtime/exec/CompactionSize.h"

using namespace sweep;

std::vector<size_t> sweep::compilingCompactionSizes(size_t alive) {
  size_t power = 1;
  while (power < alive)
    power *= 2;
  size_t granule = power >= 16 ? power / 16 : 1;
  size_t rounded = (alive + granule - 1) / granule * granule;
  if (rounded == power)
    return {power};
  return {rounded, power};
}

size_t sweep::chooseCompactionSize(const CompactionCase &program, const std::vector<size_t> &sizes,
                                   const std::function<double(size_t)> &secondsToPrepare) {
  size_t best = 0;
  double bestNet = 0;
  for (size_t size : sizes) {
    if (size == 0 || size >= program.runs)
      continue;
    double saved = program.secondsPerEpoch * double(program.epochsLeft) *
                   (1.0 - double(size) / double(program.runs)) *
                   double(1 + program.laterChunks);
    double net = saved - secondsToPrepare(size);
    if (net > bestNet || (net == bestNet && best && size < best)) {
      best = size;
      bestNet = net;
    }
  }
  return best;
}
