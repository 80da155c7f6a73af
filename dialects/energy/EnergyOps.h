//===- EnergyOps.h - the energy dialect -------------------------*- C++ -*-===//

#ifndef SWEEP_DIALECTS_ENERGY_ENERGYOPS_H
#define SWEEP_DIALECTS_ENERGY_ENERGYOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/energy/EnergyDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/energy/EnergyOps.h.inc"

#endif // SWEEP_DIALECTS_ENERGY_ENERGYOPS_H
