//===- InsertEnergyProbes.cpp - each training phase in an energy.region ---===//
//
// Groups a function's ops by phase, makes each phase contiguous and wraps it
// in an energy.region carrying its static cost for all runs of the group.
// The runtime later splits measured joules over phases (and runs) by these
// costs, so they must be proportional to the real work: the matrix products
// count 2 FLOPs per multiply-add, the rest a few FLOPs per element, and bytes
// count each tensor operand and result once (an upper bound on DRAM traffic:
// reuse through the caches is not modelled). docs/energy.md lists the rules.
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"

#include "dialects/energy/EnergyOps.h"
#include "dialects/train/TrainOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace sweep {
#define GEN_PASS_DEF_ENERGYINSERTPROBES
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;
using namespace sweep;

namespace {
enum class Phase { Forward, Backward, Update, Eval };
constexpr const char *kPhaseNames[] = {"forward", "backward", "update", "eval"};

/// Costs are counts, so they saturate at int64's largest value instead of
/// wrapping (huge shapes made a region's costs negative, which its verifier
/// refuses, or wrapped to a wrong positive count).
int64_t times(int64_t a, int64_t b) {
  int64_t product;
  return llvm::MulOverflow(a, b, product) ? std::numeric_limits<int64_t>::max() : product;
}
int64_t plus(int64_t a, int64_t b) {
  int64_t sum;
  return llvm::AddOverflow(a, b, sum) ? std::numeric_limits<int64_t>::max() : sum;
}

/// Elements of a shaped value, dynamic dimensions taken as `batch`.
int64_t elements(Value value, int64_t batch) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type)
    return 0;
  int64_t count = 1;
  for (int64_t dim : type.getShape())
    count = times(count, ShapedType::isDynamic(dim) ? batch : dim);
  return count;
}

int64_t bytesOf(Value value, int64_t batch) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type)
    return 0;
  Type element = type.getElementType();
  int64_t bytes = element.isIntOrFloat() ? int64_t((element.getIntOrFloatBitWidth() + 7) / 8) : 8;
  return times(elements(value, batch), bytes);
}

/// The size of dimension `dim` of `value`, dynamic taken as `batch`.
int64_t dimOf(Value value, int64_t dim, int64_t batch) {
  int64_t size = cast<ShapedType>(value.getType()).getDimSize(dim);
  return ShapedType::isDynamic(size) ? batch : size;
}

/// FLOPs per element of the op's largest tensor, for everything but the
/// matrix products: an estimate of the arithmetic in its loops.
int64_t flopsPerElement(Operation *op) {
  if (isa<train::CrossEntropyOp, train::CrossEntropyGradOp, train::SoftmaxOp, train::LossRowsOp,
          train::AccuracyOp>(op))
    return 4; // max, subtract, exp, sum (and log or divide)
  if (isa<train::MseOp, train::MseGradOp>(op))
    return 3;
  if (isa<train::SgdOp>(op))
    return 6; // weight decay, momentum, nesterov, step: up to three fma
  if (isa<train::AdamOp>(op))
    return 14; // two moments, bias corrections, sqrt, divide, decay
  if (isa<train::ActivationGradOp, train::ActivationOutputGradOp>(op))
    return 2;
  if (isa<train::DropoutMaskOp>(op))
    return 80; // Integer operations: ten Philox rounds (two products, four xors, two key
               // additions each) and the draw's index, lane and comparison.
  return 1; // activations, applying a dropout mask, bias gradient, gradient sums
}

/// The op's static cost for all runs: {flops, bytes}.
std::pair<int64_t, int64_t> costOf(Operation *op, int64_t batch) {
  int64_t bytes = 0, largest = 0;
  for (Value operand : op->getOperands()) {
    bytes = plus(bytes, bytesOf(operand, batch));
    largest = std::max(largest, elements(operand, batch));
  }
  for (Value result : op->getResults()) {
    bytes = plus(bytes, bytesOf(result, batch));
    largest = std::max(largest, elements(result, batch));
  }
  if (isa<arith::ConstantOp, tensor::DimOp>(op))
    return {0, 0};
  // Products: R runs of [B, K] x [K, N], 2 FLOPs per multiply-add; a fused
  // activation adds its elementwise work.
  if (auto dense = dyn_cast<train::DenseOp>(op)) {
    Value w = dense.getWeight();
    int64_t r = dimOf(w, 0, batch), k = dimOf(w, 1, batch), n = dimOf(w, 2, batch);
    int64_t b = dimOf(dense.getResult(), 1, batch);
    return {plus(times(times(times(times(2, r), b), k), n),
                 dense.getActivation() ? times(times(r, b), n) : 0),
            bytes};
  }
  if (isa<train::DenseGradWeightOp, train::DenseGradInputOp>(op)) {
    // Both reduce over one of B, K, N of a [R, B, N] gradient and an [R, K, N]
    // or [B, K] operand: 2 * R * B * K * N.
    Value grad = isa<train::DenseGradWeightOp>(op) ? cast<train::DenseGradWeightOp>(op).getGrad()
                                                   : cast<train::DenseGradInputOp>(op).getGrad();
    Value other = op->getResult(0);
    int64_t r = dimOf(grad, 0, batch), b = dimOf(grad, 1, batch), n = dimOf(grad, 2, batch);
    int64_t k = isa<train::DenseGradWeightOp>(op) ? dimOf(other, 1, batch) : dimOf(other, 2, batch);
    return {times(times(times(times(2, r), b), k), n), bytes};
  }
  return {times(flopsPerElement(op), largest), bytes};
}

/// The phase an op starts from by its kind (dataflow can only move it later).
Phase ownPhase(Operation *op, bool isTrainStep) {
  if (!isTrainStep)
    return Phase::Eval;
  if (isa<train::SgdOp, train::AdamOp>(op))
    return Phase::Update;
  if (op->hasAttr(kGradientAttr))
    return Phase::Backward;
  return Phase::Forward;
}

/// Values an op reads, including those its nested regions capture.
SmallVector<Value> operandsOf(Operation *op) {
  SmallVector<Value> values(op->getOperands());
  op->walk([&](Operation *inner) {
    if (inner != op)
      for (Value v : inner->getOperands())
        if (!op->isAncestor(v.getParentRegion()->getParentOp()))
          values.push_back(v);
  });
  return values;
}

/// The layer an op belongs to: the name of its NameLoc ("dense1", "loss"), or
/// "other".
std::string layerOf(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  return "other";
}

/// Wraps `ops` (contiguous, in order, in one block) in an energy.region.
void wrap(ArrayRef<Operation *> ops, StringRef phase, int64_t flops, int64_t bytes) {
  llvm::DenseSet<Operation *> inside(ops.begin(), ops.end());
  Block *block = ops.front()->getBlock();
  llvm::SetVector<Value> escaping;
  for (Operation *op : ops)
    for (Value result : op->getResults())
      for (Operation *user : result.getUsers())
        if (Operation *ancestor = block->findAncestorOpInBlock(*user);
            !ancestor || !inside.contains(ancestor))
          escaping.insert(result);
  OpBuilder b(ops.front());
  SmallVector<Type> types;
  for (Value value : escaping)
    types.push_back(value.getType());
  auto region = b.create<energy::RegionOp>(ops.front()->getLoc(), types, b.getStringAttr(phase),
                                           b.getI64IntegerAttr(flops), b.getI64IntegerAttr(bytes));
  Block *body = b.createBlock(&region.getBody());
  for (Operation *op : ops)
    op->moveBefore(body, body->end());
  b.setInsertionPointToEnd(body);
  b.create<energy::YieldOp>(region.getLoc(), escaping.getArrayRef());
  for (auto [escaped, result] : llvm::zip(escaping, region.getResults())) {
    Value value = escaped;
    value.replaceUsesWithIf(
        result, [&](OpOperand &use) { return !region->isProperAncestor(use.getOwner()); });
  }
}

struct EnergyInsertProbesPass : public sweep::impl::EnergyInsertProbesBase<EnergyInsertProbesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto batchAttr = module->getAttrOfType<IntegerAttr>("train.batch");
    int64_t batch = batchAttr ? batchAttr.getInt() : 1;
    if (batch < 1) {
      module.emitOpError("energy-insert-probes: train.batch must be at least 1, got ") << batch;
      return signalPassFailure();
    }
    for (auto function : module.getOps<func::FuncOp>()) {
      if (function.isExternal())
        continue;
      if (failed(insertInto(function, batch)))
        return signalPassFailure();
    }
  }

  LogicalResult insertInto(func::FuncOp function, int64_t batch) {
    Block &block = function.getBody().front();
    bool isTrainStep = function.getName() == "train_step";
    // Stable partition by phase; constants first, outside every region. An op
    // that reads a later phase's value (say, a metric of the new weights)
    // belongs to that phase: forward < backward < update.
    SmallVector<Operation *> constants, byPhase[4];
    llvm::DenseMap<Operation *, Phase> phaseOfOp;
    for (Operation &op : block.without_terminator()) {
      if (isa<energy::RegionOp>(op))
        return success(); // Already instrumented.
      if (isa<arith::ConstantOp>(op)) {
        constants.push_back(&op);
        continue;
      }
      Phase phase = ownPhase(&op, isTrainStep);
      for (Value operand : operandsOf(&op))
        if (Operation *def = operand.getDefiningOp())
          if (auto it = phaseOfOp.find(block.findAncestorOpInBlock(*def)); it != phaseOfOp.end())
            if (phase != Phase::Eval && int(it->second) > int(phase) &&
                !op.hasAttr(kGradientAttr) && !isa<train::SgdOp, train::AdamOp>(op))
              phase = it->second;
      phaseOfOp[&op] = phase;
      byPhase[int(phase)].push_back(&op);
    }
    SmallVector<Operation *> order(constants);
    for (auto &ops : byPhase)
      order.append(ops.begin(), ops.end());
    // The new order must keep every definition before its uses (an op marked
    // as gradient code, or an update, cannot follow a later phase's value).
    llvm::DenseSet<Operation *> placed;
    for (Operation *op : order) {
      for (Value operand : operandsOf(op))
        if (Operation *def = operand.getDefiningOp())
          if (Operation *owner = block.findAncestorOpInBlock(*def);
              owner && owner != op && !placed.contains(owner))
            return op->emitOpError("energy-insert-probes: this ")
                   << kPhaseNames[int(phaseOfOp.lookup(op))]
                   << " op uses a value computed in a later phase";
      placed.insert(op);
    }
    for (Operation *op : order)
      op->moveBefore(block.getTerminator());
    // With `energy per_layer`, each phase splits into runs of consecutive ops
    // of one layer (named by MLIRGen's locations, which the gradient ops
    // inherit): "forward:dense1", "backward:loss", ...
    bool perLayer = function->getParentOfType<ModuleOp>()->hasAttr("energy.per_layer");
    for (int phase = 0; phase < 4; ++phase) {
      ArrayRef<Operation *> ops = byPhase[phase];
      while (!ops.empty()) {
        size_t count = 1;
        std::string name = kPhaseNames[phase];
        if (perLayer) {
          std::string layer = layerOf(ops.front());
          while (count < ops.size() && layerOf(ops[count]) == layer)
            ++count;
          name += ":" + layer;
        } else {
          count = ops.size();
        }
        int64_t flops = 0, bytes = 0;
        for (Operation *op : ops.take_front(count)) {
          auto [f, by] = costOf(op, batch);
          flops = plus(flops, f), bytes = plus(bytes, by);
        }
        wrap(ops.take_front(count), name, flops, bytes);
        ops = ops.drop_front(count);
      }
    }
    return success();
  }
};
} // namespace
