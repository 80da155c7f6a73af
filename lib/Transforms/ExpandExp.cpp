//===- ExpandExp.cpp - float32 exp as arithmetic the vectorizer keeps -----===//
//
// math.exp lowers to llvm.exp, which LLVM turns into a call to libm's expf
// per element: the loops of softmax, cross-entropy and the tanh and sigmoid
// activations stay scalar, and the calls were a tenth of a small MLP's
// training time. Here each f32 math.exp becomes the operations of
// sweep::exp32 (runtime/kernels/Exp.h) in the same order, so the compiled
// code and the interpreter, which calls exp32, give the same bits.
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "runtime/kernels/Exp.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

namespace sweep {
#define GEN_PASS_DEF_EXPANDEXP
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// Builds exp32's operations on values of type `type` (f32 or a vector of
/// f32) and of the i32 type with the same shape.
class Exp32Builder {
public:
  Exp32Builder(OpBuilder &b, Location loc, Type type)
      : b(b), loc(loc), type(type), intType(b.getI32Type()) {
    if (auto vector = dyn_cast<VectorType>(type))
      intType = vector.clone(b.getI32Type());
  }

  Value build(Value x) {
    using namespace sweep::expf32;
    // Clamps written as exp32 writes them: a NaN compares false and passes.
    Value highest = f(kHighest), lowest = f(kLowest), shift = f(kShift);
    x = select(cmp(arith::CmpFPredicate::OGT, x, highest), highest, x);
    x = select(cmp(arith::CmpFPredicate::OLT, x, lowest), lowest, x);
    Value z = fma(x, f(kInvLn2), shift);
    Value n = b.create<arith::SubFOp>(loc, z, shift);
    Value r = fma(n, f(-kLn2High), x);
    r = fma(n, f(-kLn2Low), r);
    Value q = fma(f(kQ4), r, f(kQ3));
    q = fma(q, r, f(kQ2));
    q = fma(q, r, f(kQ1));
    q = fma(q, r, f(kQ0));
    Value p = fma(b.create<arith::MulFOp>(loc, r, r), q, r);
    Value k =
        b.create<arith::SubIOp>(loc, b.create<arith::BitcastOp>(loc, intType, z), i(kShiftBits));
    Value k1 = b.create<arith::ShRSIOp>(loc, k, i(1));
    Value s1 = powerOfTwo(k1), s2 = powerOfTwo(b.create<arith::SubIOp>(loc, k, k1));
    return b.create<arith::MulFOp>(loc, fma(p, s1, s1), s2);
  }

private:
  Value f(float value) {
    return b.create<arith::ConstantOp>(loc, type, constant(b.getF32FloatAttr(value)));
  }
  Value i(int32_t value) {
    return b.create<arith::ConstantOp>(loc, intType, constant(b.getI32IntegerAttr(value)));
  }
  /// A scalar attribute, or a splat of it for a vector type.
  TypedAttr constant(TypedAttr scalar) {
    if (auto vector = dyn_cast<VectorType>(scalar.getType() == b.getF32Type() ? type : intType))
      return SplatElementsAttr::get(cast<ShapedType>(vector), scalar);
    return scalar;
  }
  Value cmp(arith::CmpFPredicate predicate, Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, predicate, x, y);
  }
  Value select(Value condition, Value yes, Value no) {
    return b.create<arith::SelectOp>(loc, condition, yes, no);
  }
  Value fma(Value x, Value y, Value z) { return b.create<math::FmaOp>(loc, x, y, z); }
  /// 2^k for -126 <= k <= 127 from its bits: (k + 127) << 23.
  Value powerOfTwo(Value k) {
    Value biased = b.create<arith::AddIOp>(loc, k, i(127));
    return b.create<arith::BitcastOp>(loc, type, b.create<arith::ShLIOp>(loc, biased, i(23)));
  }

  OpBuilder &b;
  Location loc;
  Type type;
  Type intType;
};

struct ExpandExpPass : public sweep::impl::ExpandExpBase<ExpandExpPass> {
  void runOnOperation() override {
    SmallVector<math::ExpOp> exps;
    getOperation().walk([&](math::ExpOp op) {
      // Tensors are bufferized away before this pass runs.
      if (getElementTypeOrSelf(op.getType()).isF32() && !isa<TensorType>(op.getType()))
        exps.push_back(op);
    });
    for (math::ExpOp op : exps) {
      OpBuilder b(op);
      op.replaceAllUsesWith(Exp32Builder(b, op.getLoc(), op.getType()).build(op.getOperand()));
      op.erase();
    }
  }
};
} // namespace
