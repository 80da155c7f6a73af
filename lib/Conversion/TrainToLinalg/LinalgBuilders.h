//===- LinalgBuilders.h - small builders shared by the train lowerings ----===//
//
// Tensors, affine maps and linalg.generic ops as every train op's lowering
// builds them (one file per kind of op: Dense, Activations, Dropout, Losses,
// Optimizers). Internal to convert-train-to-linalg.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_CONVERSION_TRAINTOLINALG_LINALGBUILDERS_H
#define SWEEP_LIB_CONVERSION_TRAINTOLINALG_LINALGBUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace sweep::train_to_linalg {

inline constexpr mlir::utils::IteratorType kPar = mlir::utils::IteratorType::parallel;
inline constexpr mlir::utils::IteratorType kRed = mlir::utils::IteratorType::reduction;

/// The body of a generic: the value each iteration yields.
using BodyBuilder =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// An empty tensor shaped like `shape`, taking dynamic sizes from `sources`
/// (value, dimension) in order.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
                        mlir::Type element,
                        llvm::ArrayRef<std::pair<mlir::Value, int64_t>> sources);

/// An empty tensor of `like`'s type, its dynamic sizes taken from `like`.
mlir::Value emptyLike(mlir::OpBuilder &b, mlir::Location loc, mlir::Value like);

/// `empty` filled with `value` (linalg.fill).
mlir::Value filled(mlir::OpBuilder &b, mlir::Location loc, mlir::Value empty, double value);

mlir::Value f32(mlir::OpBuilder &b, mlir::Location loc, double v);

/// Affine map of `dims` loop dimensions that picks `picked`.
mlir::AffineMap pick(mlir::MLIRContext *ctx, unsigned dims, llvm::ArrayRef<unsigned> picked);

/// A linalg.generic over `inputs` into `init`.
mlir::linalg::GenericOp generic(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
                                mlir::Value init, llvm::ArrayRef<mlir::AffineMap> maps,
                                llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                                BodyBuilder body);

/// Identity maps and all-parallel iterators for an elementwise op.
mlir::linalg::GenericOp elementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
                                    mlir::Value init, BodyBuilder body);

/// The batch size of `value` (dimension `dim`) as an f32.
mlir::Value batchAsFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value, int64_t dim);

/// The label of row b as an index, from labels [B] inside a generic body.
mlir::Value labelIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value label);

} // namespace sweep::train_to_linalg

#endif // SWEEP_LIB_CONVERSION_TRAINTOLINALG_LINALGBUILDERS_H
