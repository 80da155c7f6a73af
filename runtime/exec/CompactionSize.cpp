//===- CompactionSize.cpp - how small a program compaction makes ----------===//

#include "runtime/exec/CompactionSize.h"

using namespace sweep;

std::vector<CompactionSizeOffer> sweep::compilingCompactionSizes(size_t alive) {
  size_t power = 1;
  while (power < alive)
    power *= 2;
  size_t granule = power >= 16 ? power / 16 : 1;
  size_t rounded = (alive + granule - 1) / granule * granule;
  if (rounded == power)
    return {{power, true}};
  return {{rounded, false}, {power, true}};
}

size_t sweep::chooseCompactionSize(const CompactionCase &program,
                                   const std::vector<CompactionSizeOffer> &offers,
                                   const std::function<double(size_t)> &secondsToPrepare) {
  size_t best = 0;
  double bestNet = 0;
  for (const CompactionSizeOffer &offer : offers) {
    if (offer.runs < program.live || offer.runs == 0 || offer.runs >= program.runs)
      continue;
    double saved = program.secondsPerEpoch * double(program.epochsLeft) *
                   (1.0 - double(offer.runs) / double(program.runs));
    double sharers = offer.sharedWithLaterPrograms ? double(1 + program.laterChunks) : 1.0;
    double net = saved - secondsToPrepare(offer.runs) / sharers;
    if (net > bestNet || (net == bestNet && best && offer.runs < best)) {
      best = offer.runs;
      bestNet = net;
    }
  }
  return best;
}
