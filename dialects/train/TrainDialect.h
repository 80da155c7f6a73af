//===- TrainDialect.h - the train dialect -----------------------*- C++ -*-===//

#ifndef SWEEP_DIALECTS_TRAIN_TRAINDIALECT_H
#define SWEEP_DIALECTS_TRAIN_TRAINDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/train/TrainDialect.h.inc"

#endif // SWEEP_DIALECTS_TRAIN_TRAINDIALECT_H
