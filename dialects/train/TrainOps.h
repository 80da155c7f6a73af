//===- TrainOps.h - train dialect operations --------------------*- C++ -*-===//

#ifndef SWEEP_DIALECTS_TRAIN_TRAINOPS_H
#define SWEEP_DIALECTS_TRAIN_TRAINOPS_H

#include "dialects/train/TrainDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/train/TrainEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/train/TrainAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/train/TrainOps.h.inc"

#endif // SWEEP_DIALECTS_TRAIN_TRAINOPS_H
