//===- Schedule.h - learning rate at each step ------------------*- C++ -*-===//
//
// The runtime computes every run's learning rate per step and hands it to the
// group program, so backends need not know about schedules. At step s (from
// 0) of S = epochs * stepsPerEpoch, with e = s / stepsPerEpoch epochs done:
//   warm-up W epochs:  factor min(1, (s + 1) / (W * stepsPerEpoch))
//   constant:          1
//   step:              gamma ^ floor(e / every)
//   cosine:            final + (1 - final) * (1 + cos(pi * q)) / 2
//   linear:            1 - (1 - final) * q
// with q = clamp((e - W) / (epochs - W), 0, 1) (0 when W >= epochs);
// lr = peak * warm-up * decay.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_SCHEDULE_H
#define SWEEP_RUNTIME_EXEC_SCHEDULE_H

#include "runtime/exec/SweepJob.h"

#include <algorithm>
#include <cmath>

namespace sweep {

inline double scheduledLearningRate(const RunSpec &run, uint64_t step, int64_t stepsPerEpoch,
                                    int64_t epochs) {
  double perEpoch = double(std::max<int64_t>(1, stepsPerEpoch));
  double done = double(step) / perEpoch;
  double warm = 1;
  if (run.warmup > 0)
    warm = std::min(1.0, (double(step) + 1) / (run.warmup * perEpoch));
  double span = double(epochs) - run.warmup;
  // Warm-up that lasts the whole training leaves no time to decay.
  double q = span > 0 ? std::clamp((done - run.warmup) / span, 0.0, 1.0) : 0.0;
  double decay = 1;
  switch (run.schedule) {
  case ScheduleKind::Constant:
    break;
  case ScheduleKind::Step:
    decay = std::pow(run.gamma, std::floor(done / double(std::max<int64_t>(1, run.every))));
    break;
  case ScheduleKind::Cosine:
    decay = run.finalFraction + (1 - run.finalFraction) * 0.5 * (1 + std::cos(M_PI * q));
    break;
  case ScheduleKind::Linear:
    decay = 1 - (1 - run.finalFraction) * q;
    break;
  }
  return run.lr * warm * decay;
}

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_SCHEDULE_H
