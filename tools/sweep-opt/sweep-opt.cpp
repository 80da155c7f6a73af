//===- sweep-opt.cpp - mlir-opt with sweepc's dialects and passes ---------===//

#include "lib/Registration/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  sweep::registerSweepDialects(registry);
  sweep::registerSweepPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "sweep-opt: sweepc's dialects and passes\n", registry));
}
