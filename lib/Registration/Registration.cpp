//===- Registration.cpp - every dialect and pass sweepc uses --------------===//

#include "lib/Registration/Registration.h"

#include "dialects/train/TrainDialect.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void sweep::registerSweepDialects(mlir::DialectRegistry &registry) {
  registry.insert<train::TrainDialect, mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::tensor::TensorDialect>();
}

void sweep::registerSweepPasses() {
  registerTrainPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
}
