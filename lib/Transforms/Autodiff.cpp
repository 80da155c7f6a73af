//===- Autodiff.cpp - reverse-mode gradients for train.backward -----------===//
//
// One vector-Jacobian product rule per op, applied in reverse program order
// from the loss. The roots are the per-run mean losses (cross_entropy, mse);
// since runs are independent, differentiating each run's own loss is the same
// as differentiating their sum, and the loss ops' gradient ops already give
// d(mean loss)/d(outputs).
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "dialects/train/TrainOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace sweep {
#define GEN_PASS_DEF_TRAINAUTODIFF
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;
using namespace sweep;

namespace {
class Differentiator {
public:
  Differentiator(train::BackwardOp backward) : backward(backward), builder(backward) {}

  LogicalResult run();

private:
  /// Whether the loss is computed from `value` (through any operand).
  bool lossDependsOn(Value value);
  /// Adds `gradient` to the adjoint of `value` (summing over fan-out).
  void accumulate(Value value, Value gradient);
  LogicalResult applyRule(Operation *op);
  bool needsGradient(Value value) const { return dependsOnWrt.contains(value); }

  train::BackwardOp backward;
  OpBuilder builder;
  llvm::DenseMap<Value, Value> adjoint;
  llvm::DenseSet<Value> dependsOnWrt;
};
} // namespace

bool Differentiator::lossDependsOn(Value value) {
  llvm::DenseSet<Value> reached = {value};
  for (Operation &op : *backward->getBlock()) {
    if (&op == backward.getOperation())
      break;
    if (llvm::any_of(op.getOperands(), [&](Value v) { return reached.contains(v); }))
      for (Value result : op.getResults())
        reached.insert(result);
  }
  return reached.contains(backward.getLoss());
}

void Differentiator::accumulate(Value value, Value gradient) {
  auto [it, inserted] = adjoint.try_emplace(value, gradient);
  if (!inserted)
    it->second = builder.create<arith::AddFOp>(backward.getLoc(), it->second, gradient);
}

LogicalResult Differentiator::applyRule(Operation *op) {
  Location loc = op->getLoc();
  if (auto dense = dyn_cast<train::DenseOp>(op)) {
    Value dy = adjoint.lookup(dense.getResult());
    if (std::optional<train::ActivationKind> act = dense.getActivation())
      dy = builder.create<train::ActivationOutputGradOp>(loc, *act, dense.getResult(), dy);
    if (needsGradient(dense.getWeight()))
      // A wide layer's weight gradient is wide too: X^T[K, B] x dY[B, R*N].
      accumulate(dense.getWeight(),
                 builder.create<train::DenseGradWeightOp>(loc, dense.getWeight().getType(),
                                                          dense.getInput(), dy, dense.getWide()));
    if (needsGradient(dense.getBias()))
      accumulate(dense.getBias(),
                 builder.create<train::BiasGradOp>(loc, dense.getBias().getType(), dy));
    if (needsGradient(dense.getInput())) {
      if (dense.hasSharedInput())
        return op->emitOpError("train-autodiff: the shared input [B, K] of a dense layer "
                               "depends on a differentiated value; per-run inputs are needed");
      accumulate(dense.getInput(), builder.create<train::DenseGradInputOp>(
                                       loc, dense.getInput().getType(), dy, dense.getWeight()));
    }
    return success();
  }
  if (auto activation = dyn_cast<train::ActivationOp>(op)) {
    if (needsGradient(activation.getInput()))
      accumulate(activation.getInput(), builder.create<train::ActivationGradOp>(
                                            loc, activation.getKind(), activation.getInput(),
                                            adjoint.lookup(activation.getResult())));
    return success();
  }
  if (auto dropout = dyn_cast<train::DropoutOp>(op)) {
    if (needsGradient(dropout.getInput()))
      accumulate(dropout.getInput(), builder.create<train::DropoutOp>(
                                         loc, dropout.getScale().getType(),
                                         adjoint.lookup(dropout.getResult()), dropout.getScale()));
    return success();
  }
  if (auto xent = dyn_cast<train::CrossEntropyOp>(op)) {
    if (xent.getLoss() != backward.getLoss())
      return op->emitOpError("train-autodiff: a loss can only be the root of train.backward");
    if (needsGradient(xent.getLogits()))
      accumulate(xent.getLogits(),
                 builder.create<train::CrossEntropyGradOp>(loc, xent.getLogits().getType(),
                                                           xent.getLogits(), xent.getLabels()));
    return success();
  }
  if (auto mse = dyn_cast<train::MseOp>(op)) {
    if (mse.getLoss() != backward.getLoss())
      return op->emitOpError("train-autodiff: a loss can only be the root of train.backward");
    if (needsGradient(mse.getOutput()))
      accumulate(mse.getOutput(),
                 builder.create<train::MseGradOp>(loc, mse.getOutput().getType(), mse.getOutput(),
                                                  mse.getTarget()));
    return success();
  }
  return op->emitOpError("train-autodiff: no gradient rule for this op, which the loss of ")
         << "train.backward depends on";
}

LogicalResult Differentiator::run() {
  Operation *before = backward->getPrevNode();
  // Forward: which values depend on a differentiated value.
  for (Value value : backward.getWrt())
    dependsOnWrt.insert(value);
  Block *block = backward->getBlock();
  for (Operation &op : *block) {
    if (&op == backward.getOperation())
      break;
    if (llvm::any_of(op.getOperands(), [&](Value v) { return dependsOnWrt.contains(v); }))
      for (Value result : op.getResults())
        dependsOnWrt.insert(result);
  }

  // Backward: visit the ops that lead to the loss in reverse order.
  Operation *root = backward.getLoss().getDefiningOp();
  if (!root || root->getBlock() != block || !isa<train::CrossEntropyOp, train::MseOp>(root))
    return backward.emitOpError(
        "train-autodiff: the loss must be a train.cross_entropy or train.mse in the same block");
  llvm::DenseSet<Operation *> onPath = {root};
  for (Operation *op = backward->getPrevNode(); op; op = op->getPrevNode()) {
    bool feedsLoss = onPath.contains(op);
    if (!feedsLoss)
      continue;
    bool reached = op == root ||
                   llvm::any_of(op->getResults(), [&](Value v) { return adjoint.count(v) != 0; });
    if (!reached)
      continue;
    if (failed(applyRule(op)))
      return failure();
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        if (needsGradient(operand))
          onPath.insert(producer);
  }

  for (auto [index, value, gradient] :
       llvm::enumerate(backward.getWrt(), backward.getGradients())) {
    Value result = adjoint.lookup(value);
    if (!result) {
      // No gradient reached it: right when the loss does not depend on it; a
      // silent zero when it does through an operand no rule differentiates
      // (a dropout scale, an mse target, the loss itself).
      if (lossDependsOn(value))
        return backward.emitOpError("train-autodiff: the loss depends on wrt value #")
               << index << " (" << value.getType()
               << ") only through operands that have no gradient rule (a dropout scale, an mse "
                  "target, or the loss itself)";
      result = builder.create<arith::ConstantOp>(
          backward.getLoc(), DenseElementsAttr::get(cast<RankedTensorType>(value.getType()), 0.0f));
    }
    gradient.replaceAllUsesWith(result);
  }
  // Mark what this created (everything between `before` and the backward op)
  // as gradient code: energy-insert-probes makes it the backward phase.
  for (Operation *op = before ? before->getNextNode() : &block->front(); op != backward;
       op = op->getNextNode())
    op->setAttr(kGradientAttr, UnitAttr::get(op->getContext()));
  backward.erase();
  return success();
}

namespace {
struct TrainAutodiffPass : public sweep::impl::TrainAutodiffBase<TrainAutodiffPass> {
  void runOnOperation() override {
    SmallVector<train::BackwardOp> backwards;
    getOperation().walk([&](train::BackwardOp op) { backwards.push_back(op); });
    for (train::BackwardOp op : backwards)
      if (failed(Differentiator(op).run()))
        return signalPassFailure();
  }
};
} // namespace
