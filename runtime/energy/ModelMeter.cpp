//===- ModelMeter.cpp - the CPU energy model and the CPU meter choice -----===//
//
// Where no counter can be read the runtime still reports energy, but from a
// model, and labelled "estimated:model" so that it is never mistaken for a
// measurement. The constants are derived in docs/energy.md; they are
// published figures turned into round numbers, not measurements of this
// machine.
//
//===----------------------------------------------------------------------===//

#include "runtime/energy/EnergyMeter.h"
#include "runtime/exec/UsableCores.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

using namespace sweep;

EnergyModel EnergyModel::cpu(unsigned cores) {
  EnergyModel model;
  // Package-level energy of one fp32 FLOP on SIMD FMA code. A 64-core AMD
  // EPYC 7763 (Zen 3) is rated 280 W at 2.45 GHz base, i.e. 4.4 W per core;
  // a core peaks at 2 FMA pipes x 8 fp32 lanes x 2 FLOP x 2.45 GHz =
  // 78.4 GFLOP/s. Of the 4.4 W about 2 W is taken as baseline (idleWatts
  // below), leaving 2.4 W / 78.4 GFLOP/s = 30 pJ per FLOP.
  model.joulesPerFlop = 30e-12;
  // DRAM: Horowitz (ISSCC 2014) gives 1.3-2.6 nJ per 64-bit DRAM access,
  // 20-40 pJ/bit; the low end, for DDR4/DDR5: 20 pJ/bit = 160 pJ per byte.
  model.joulesPerByte = 160e-12;
  // Baseline power of the one core a program trains on (leakage, clocks and
  // its share of the uncore and I/O die): an assumption, about half of the
  // per-core TDP share above, for each of the `cores` in use. More threads
  // than this process has cores share them. Regression: --jobs=64 on 2 cores
  // counted 64 cores' baseline.
  unsigned used = std::min(std::max(1u, cores), usableCores());
  model.idleWatts = 2.0 * double(used);
  return model;
}

namespace {

class ModelMeter : public EnergyMeter {
public:
  ModelMeter(const EnergyModel &model, std::string why) : model(model), why(std::move(why)) {}

  std::string source() const override { return "estimated:model"; }
  std::string describe() const override {
    return "estimated with the CPU energy model (docs/energy.md): " + why;
  }
  bool read(const WorkCost &work, double seconds, double &joules, std::string &) override {
    joules = model.joules(work, seconds);
    return true;
  }

private:
  EnergyModel model;
  std::string why;
};

} // namespace

std::unique_ptr<EnergyMeter> sweep::openModelMeter(const EnergyModel &model,
                                                   const std::string &why) {
  return std::make_unique<ModelMeter>(model, why);
}

std::unique_ptr<EnergyMeter> sweep::openCpuMeter(unsigned cores) {
  const char *fromEnv = std::getenv("SWEEPC_POWERCAP_ROOT");
  std::string root = fromEnv && *fromEnv ? fromEnv : "/sys/class/powercap";
  std::string why;
  if (std::unique_ptr<EnergyMeter> rapl = openRaplMeter(root, why))
    return rapl;
  return openModelMeter(EnergyModel::cpu(cores), why);
}
