//===- PlanEnergy.cpp - the static energy estimate of `sweepc plan` -------===//
//
// The same static costs the runtime splits measured joules by (one table per
// group, computed by energy-insert-probes for the group's run count), times
// the steps and evaluation batches of training. The joules are the model's
// (docs/energy.md): an estimate, labelled as such. The seconds assume every
// FLOP runs at this machine's measured GEMM rate, so they are a lower bound.
//
//===----------------------------------------------------------------------===//

#include "tools/sweepc/PlanEnergy.h"

#include "codegen/cpu/StaticCosts.h"
#include "runtime/energy/EnergyMeter.h"
#include "runtime/exec/UsableCores.h"
#include "runtime/kernels/Gemm.h"

#include <algorithm>
#include <cstdio>

using namespace sweep;

namespace {
std::string format(const char *pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}
} // namespace

bool sweep::printEnergyEstimate(llvm::raw_ostream &os, const SweepJob &job, unsigned threads,
                                std::string &error) {
  // Threads beyond the cores this process may use share them: the rate is
  // one core's, measured, times the cores that run at once. Regression:
  // --jobs=64 on 2 cores gave 32 cores' rate, "measured now".
  unsigned running = std::max(1u, std::min(threads ? threads : 1u, usableCores()));
  double oneCore = measureGemmRate(0.05);
  double rate = oneCore * double(running);
  EnergyModel model = EnergyModel::cpu(running);
  os << "energy: static estimate (energy-insert-probes costs; joules estimated:model, "
        "docs/energy.md; seconds at "
     << format("%.1f", rate / 1e9) << " GFLOP/s: this machine's GEMM rate on one core, "
     << format("%.1f", oneCore / 1e9) << " GFLOP/s measured now, times " << running << " core"
     << (running == 1 ? "" : "s") << " at once";
  if (threads > running)
    os << " (--jobs=" << threads << " shares them)";
  os << ")\n";
  WorkCost total;
  double totalSeconds = 0;
  for (size_t g = 0; g < job.groups.size(); ++g) {
    const GroupSpec &group = job.groups[g];
    std::vector<PhaseCost> table;
    if (!staticPhaseCosts(group, int64_t(group.runs.size()), table, error))
      return false;
    const DataSpec &data = job.datasets[group.dataset];
    WorkCost work =
        groupTrainingWork(group, table, data.expectTrain, data.expectValidation, data.expectTest);
    double seconds = work.flops / rate;
    os << "  group " << g << ": " << format("%.3g", work.flops) << " FLOPs, "
       << format("%.3g", work.bytes) << " bytes, " << format("%.3g", model.joules(work, seconds))
       << " J, >= " << format("%.3g", seconds) << " s\n";
    total += work;
    totalSeconds += seconds;
  }
  os << "  sweep: " << format("%.3g", total.flops) << " FLOPs, " << format("%.3g", total.bytes)
     << " bytes, " << format("%.3g", model.joules(total, totalSeconds))
     << " J, >= " << format("%.3g", totalSeconds) << " s\n";
  return true;
}
