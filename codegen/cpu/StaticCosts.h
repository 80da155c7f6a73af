//===- StaticCosts.h - a group's phases and their static cost ---*- C++ -*-===//
//
// What energy-insert-probes computes for a group, without generating code:
// the phase table (forward, backward, update of train_step; eval of
// evaluate) with FLOPs and bytes for `runs` runs. The interpreter backend
// counts its phases against this table, and `sweepc plan` turns it into the
// sweep's static estimate, so every backend and the plan use the compiler's
// one cost model.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_STATICCOSTS_H
#define SWEEP_CODEGEN_CPU_STATICCOSTS_H

#include "runtime/energy/Probes.h"
#include "runtime/exec/SweepJob.h"

#include <string>
#include <vector>

namespace sweep {

/// The phase table of `group` compiled for `runs` runs; false with `error`.
bool staticPhaseCosts(const GroupSpec &group, int64_t runs, std::vector<PhaseCost> &table,
                      std::string &error);

/// The static work of training `group` for `runs` runs over its epochs on
/// `trainSamples` training samples, evaluating its validation and test
/// splits each epoch, as the trainer does: steps x (forward + backward +
/// update) + eval batches x eval, the batches of each split counted apart,
/// and one batch of training samples where there is neither split (the
/// check for weights the last update made NaN).
WorkCost groupTrainingWork(const GroupSpec &group, const std::vector<PhaseCost> &table,
                           int64_t trainSamples, int64_t validationSamples, int64_t testSamples);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_STATICCOSTS_H
