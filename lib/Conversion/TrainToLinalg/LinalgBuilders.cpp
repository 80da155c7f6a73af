//===- LinalgBuilders.cpp - small builders shared by the train lowerings --===//

#include "lib/Conversion/TrainToLinalg/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace sweep::train_to_linalg {

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type element,
                  ArrayRef<std::pair<Value, int64_t>> sources) {
  SmallVector<Value> dynamic;
  size_t next = 0;
  for (int64_t d : shape)
    if (ShapedType::isDynamic(d)) {
      auto [value, dim] = sources[next++];
      dynamic.push_back(b.create<tensor::DimOp>(loc, value, dim));
    }
  return b.create<tensor::EmptyOp>(loc, shape, element, dynamic);
}

Value emptyLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<std::pair<Value, int64_t>> dims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dims.push_back({like, d});
  return emptyTensor(b, loc, type.getShape(), type.getElementType(), dims);
}

Value filled(OpBuilder &b, Location loc, Value empty, double value) {
  Type element = cast<ShapedType>(empty.getType()).getElementType();
  Value scalar = b.create<arith::ConstantOp>(loc, b.getFloatAttr(element, value));
  return b.create<linalg::FillOp>(loc, scalar, empty).getResult(0);
}

Value f32(OpBuilder &b, Location loc, double v) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(float(v)));
}

AffineMap pick(MLIRContext *ctx, unsigned dims, ArrayRef<unsigned> picked) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : picked)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(dims, 0, exprs, ctx);
}

linalg::GenericOp generic(OpBuilder &b, Location loc, ValueRange inputs, Value init,
                          ArrayRef<AffineMap> maps, ArrayRef<utils::IteratorType> iterators,
                          BodyBuilder body) {
  return b.create<linalg::GenericOp>(loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
                                     iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
                                       nb.create<linalg::YieldOp>(nl, body(nb, nl, args));
                                     });
}

linalg::GenericOp elementwise(OpBuilder &b, Location loc, ValueRange inputs, Value init,
                              BodyBuilder body) {
  unsigned rank = unsigned(cast<RankedTensorType>(init.getType()).getRank());
  SmallVector<AffineMap> maps(inputs.size() + 1, b.getMultiDimIdentityMap(rank));
  return generic(b, loc, inputs, init, maps, SmallVector<utils::IteratorType>(rank, kPar), body);
}

Value batchAsFloat(OpBuilder &b, Location loc, Value value, int64_t dim) {
  Value n = b.create<tensor::DimOp>(loc, value, dim);
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), n);
  return b.create<arith::SIToFPOp>(loc, b.getF32Type(), i64);
}

Value labelIndex(OpBuilder &b, Location loc, Value label) {
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), label);
}

} // namespace sweep::train_to_linalg
