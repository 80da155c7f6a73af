//===- PlanEnergy.h - the static energy estimate of `sweepc plan` -*- C++ -*-===//

#ifndef SWEEP_TOOLS_SWEEPC_PLANENERGY_H
#define SWEEP_TOOLS_SWEEPC_PLANENERGY_H

#include "runtime/exec/SweepJob.h"

#include "llvm/Support/raw_ostream.h"

namespace sweep {

/// Prints, per group and for the whole sweep, the static work of training
/// (FLOPs and bytes from the compiler's energy-insert-probes costs), the
/// joules the energy model gives for it, and the seconds it takes at least
/// at this machine's GEMM rate (measured now) on `threads` threads. False
/// with `error` when a group's costs cannot be computed.
bool printEnergyEstimate(llvm::raw_ostream &os, const SweepJob &job, unsigned threads,
                         std::string &error);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_PLANENERGY_H
