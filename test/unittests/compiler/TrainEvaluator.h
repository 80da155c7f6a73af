//===- TrainEvaluator.h - runs train-dialect IR in double -------*- C++ -*-===//
//
// A test-only evaluator of train-dialect functions on the reference kernels
// (runtime/interp/Kernels.h), in double, so that passes that rewrite train IR
// (autodiff, fusion) can be checked numerically without code generation.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TEST_UNITTESTS_COMPILER_TRAINEVALUATOR_H
#define SWEEP_TEST_UNITTESTS_COMPILER_TRAINEVALUATOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/DenseMap.h"

#include <string>
#include <vector>

namespace sweep::testing {

struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<double> values;  // f32 tensors, held in double.
  std::vector<int32_t> labels; // i32 tensors.
};

class TrainEvaluator {
public:
  /// Evaluates `func` on `arguments` up to its first optimizer op (or its
  /// return). Fails with `error` on an op it does not know.
  bool run(mlir::func::FuncOp func, const std::vector<HostTensor> &arguments, std::string &error);
  /// The value of `value` after run().
  const HostTensor &get(mlir::Value value) const { return values.at(value); }

private:
  bool evaluate(mlir::Operation *op, std::string &error);

  llvm::DenseMap<mlir::Value, HostTensor> values;
};

} // namespace sweep::testing

#endif // SWEEP_TEST_UNITTESTS_COMPILER_TRAINEVALUATOR_H
