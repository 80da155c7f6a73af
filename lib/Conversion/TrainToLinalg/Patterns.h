//===- Patterns.h - the train ops' lowerings to linalg, by kind of op -----===//
//
// convert-train-to-linalg (TrainToLinalg.cpp) collects these. Each populate
// function adds the patterns of one file.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_CONVERSION_TRAINTOLINALG_PATTERNS_H
#define SWEEP_LIB_CONVERSION_TRAINTOLINALG_PATTERNS_H

#include "dialects/train/TrainOps.h"

#include "mlir/IR/PatternMatch.h"

namespace sweep::train_to_linalg {

/// dense and its gradients (Dense.cpp): the products that name a kernel.
void populateDensePatterns(mlir::RewritePatternSet &patterns);
/// activation, its gradients (Activations.cpp).
void populateActivationPatterns(mlir::RewritePatternSet &patterns);
/// dropout and its Philox masks (Dropout.cpp).
void populateDropoutPatterns(mlir::RewritePatternSet &patterns);
/// softmax, cross_entropy, mse, their gradients, loss rows, accuracy (Losses.cpp).
void populateLossPatterns(mlir::RewritePatternSet &patterns);
/// sgd, adam (Optimizers.cpp).
void populateOptimizerPatterns(mlir::RewritePatternSet &patterns);

/// The activation of `z` as the interpreter computes it (Activations.cpp);
/// dense's fused epilogue uses it too.
mlir::Value activate(mlir::OpBuilder &b, mlir::Location loc, train::ActivationKind kind,
                     mlir::Value z);

} // namespace sweep::train_to_linalg

#endif // SWEEP_LIB_CONVERSION_TRAINTOLINALG_PATTERNS_H
