//===- SweepOps.h - the sweep dialect ---------------------------*- C++ -*-===//

#ifndef SWEEP_DIALECTS_SWEEP_SWEEPOPS_H
#define SWEEP_DIALECTS_SWEEP_SWEEPOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/sweep/SweepDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/sweep/SweepOps.h.inc"

#endif // SWEEP_DIALECTS_SWEEP_SWEEPOPS_H
