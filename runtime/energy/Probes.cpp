//===- Probes.cpp - counting the phases a program executes ----------------===//

#include "runtime/energy/Probes.h"

using namespace sweep;

namespace {
thread_local ProbeCounters *active = nullptr;
} // namespace

void PhaseWork::add(const std::string &phase, const WorkCost &cost) {
  for (auto &[name, work] : phases)
    if (name == phase) {
      work += cost;
      return;
    }
  phases.push_back({phase, cost});
}

WorkCost PhaseWork::total() const {
  WorkCost sum;
  for (const auto &entry : phases)
    sum += entry.second;
  return sum;
}

int64_t ProbeCounters::indexOf(const std::string &function, const std::string &phase) const {
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i].function == function && table[i].phase == phase)
      return int64_t(i);
  return -1;
}

void ProbeCounters::takeWork(PhaseWork &work) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (!counts[i])
      continue;
    WorkCost cost = table[i].cost;
    cost.flops *= double(counts[i]);
    cost.bytes *= double(counts[i]);
    work.add(table[i].phase, cost);
    counts[i] = 0;
  }
}

ActiveProbes::ActiveProbes(ProbeCounters &counters) : previous(active) { active = &counters; }

ActiveProbes::~ActiveProbes() { active = previous; }

extern "C" void sweep_energy_probe(int64_t index) {
  if (active)
    active->hit(index);
}
