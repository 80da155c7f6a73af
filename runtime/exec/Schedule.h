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

/// The schedule's factors at a step: lr = peak * warm * decay.
struct ScheduleFactors {
  double warm = 1, decay = 1;
};

inline ScheduleFactors scheduleFactors(const RunSpec &run, uint64_t step, int64_t stepsPerEpoch,
                                       int64_t epochs) {
  double perEpoch = double(std::max<int64_t>(1, stepsPerEpoch));
  double done = double(step) / perEpoch;
  ScheduleFactors f;
  if (run.warmup > 0)
    f.warm = std::min(1.0, (double(step) + 1) / (run.warmup * perEpoch));
  double span = double(epochs) - run.warmup;
  // Warm-up that lasts the whole training leaves no time to decay.
  double q = span > 0 ? std::clamp((done - run.warmup) / span, 0.0, 1.0) : 0.0;
  switch (run.schedule) {
  case ScheduleKind::Constant:
    break;
  case ScheduleKind::Step:
    f.decay = std::pow(run.gamma, std::floor(done / double(std::max<int64_t>(1, run.every))));
    break;
  case ScheduleKind::Cosine:
    f.decay = run.finalFraction + (1 - run.finalFraction) * 0.5 * (1 + std::cos(M_PI * q));
    break;
  case ScheduleKind::Linear:
    f.decay = 1 - (1 - run.finalFraction) * q;
    break;
  }
  return f;
}

inline double scheduledLearningRate(const RunSpec &run, uint64_t step, int64_t stepsPerEpoch,
                                    int64_t epochs) {
  ScheduleFactors f = scheduleFactors(run, step, stepsPerEpoch, epochs);
  return run.lr * f.warm * f.decay;
}

/// Whether two runs' schedules give the same factors at every step.
inline bool sameSchedule(const RunSpec &a, const RunSpec &b) {
  return a.schedule == b.schedule && a.warmup == b.warmup && a.gamma == b.gamma &&
         a.every == b.every && a.finalFraction == b.finalFraction;
}

/// lr[i] = scheduledLearningRate(runAt(i), ...) for i < count, bit for bit,
/// with the factors computed once for consecutive runs that share a schedule:
/// a group's runs mostly differ in their peak rate alone, and a GPU program of
/// 12,500 runs would otherwise spend 140 us of host time per step on cosines.
template <typename RunAt>
void scheduledLearningRates(size_t count, RunAt &&runAt, uint64_t step, int64_t stepsPerEpoch,
                            int64_t epochs, double *lr) {
  const RunSpec *last = nullptr;
  ScheduleFactors f;
  for (size_t i = 0; i < count; ++i) {
    const RunSpec &run = runAt(i);
    if (!last || !sameSchedule(run, *last))
      f = scheduleFactors(run, step, stepsPerEpoch, epochs);
    last = &run;
    lr[i] = run.lr * f.warm * f.decay;
  }
}

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_SCHEDULE_H
