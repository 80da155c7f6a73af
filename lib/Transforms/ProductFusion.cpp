//===- ProductFusion.cpp - what a tiled product kernel can absorb ---------===//

#include "lib/Transforms/ProductFusion.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;

Value sweep::rootBuffer(Value v) {
  while (true) {
    if (auto view = v.getDefiningOp<ViewLikeOpInterface>())
      v = view.getViewSource();
    else if (auto transpose = v.getDefiningOp<memref::TransposeOp>())
      v = transpose.getIn(); // a view without the interface in MLIR 19
    else
      return v;
  }
}

bool sweep::knownBuffer(Value root) {
  if (auto argument = dyn_cast<BlockArgument>(root))
    return isa<FunctionOpInterface>(argument.getOwner()->getParentOp());
  return root.getDefiningOp<memref::AllocOp>() || root.getDefiningOp<memref::AllocaOp>();
}

namespace {
using Roots = llvm::SmallDenseSet<Value, 8>;

/// Whether `operand` may be a view of one of `roots`: it views one, or a
/// buffer of unknown origin (which could be any).
bool mayView(Value operand, const Roots &roots) {
  if (!isa<MemRefType>(operand.getType()))
    return false;
  Value root = sweep::rootBuffer(operand);
  return roots.contains(root) || !sweep::knownBuffer(root);
}

/// Whether `op` or an op nested in it may name a view of one of `roots`.
/// Arguments and allocations are reachable only through SSA values (no
/// globals), so an op that names none of them cannot touch them.
bool touches(Operation *op, const Roots &roots) {
  WalkResult walk = op->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      if (mayView(operand, roots))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return walk.wasInterrupted();
}

/// Whether `op` or an op nested in it may write a view of one of `roots`:
/// the inits of destination-style ops; any other op that names one, except
/// loads, dims and views, counts as a write.
bool mayWrite(Operation *op, const Roots &roots) {
  WalkResult walk = op->walk([&](Operation *inner) {
    if (isa<memref::LoadOp, memref::DimOp, ViewLikeOpInterface>(inner))
      return WalkResult::advance();
    auto dps = dyn_cast<DestinationStyleOpInterface>(inner);
    for (OpOperand &operand : inner->getOpOperands()) {
      if (!mayView(operand.get(), roots))
        continue;
      if (!dps || dps.isDpsInit(&operand))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return walk.wasInterrupted();
}

bool allParallel(linalg::GenericOp op) {
  return llvm::all_of(op.getIteratorTypesArray(), [](utils::IteratorType t) {
    return t == utils::IteratorType::parallel;
  });
}

} // namespace

bool sweep::clonableBody(linalg::GenericOp op) {
  return llvm::all_of(op.getBody()->without_terminator(), [](Operation &inner) {
    return inner.getNumRegions() == 0 && isMemoryEffectFree(&inner) &&
           !isa<linalg::IndexOp>(inner);
  });
}

namespace {
bool allMemRefs(ValueRange values) {
  return llvm::all_of(values, [](Value v) { return isa<MemRefType>(v.getType()); });
}

/// A generic that copies its one input buffer, broadcast, into all of its
/// output.
bool isBroadcast(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      !allParallel(op) || !allMemRefs(op->getOperands()))
    return false;
  if (!op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() ||
      !op.getMatchingIndexingMap(op.getDpsInputOperand(0)).isProjectedPermutation())
    return false;
  Block *body = op.getBody();
  return body->getOperations().size() == 1 &&
         body->getTerminator()->getOperand(0) == body->getArgument(0);
}
} // namespace

Operation *sweep::findOutputInit(linalg::GenericOp product) {
  Value output = product.getDpsInitOperand(0)->get();
  Value outputBuffer = rootBuffer(output);
  Roots outputRoot = {outputBuffer};
  SmallVector<Operation *> between;
  for (Operation *op = product->getPrevNode(); op; op = op->getPrevNode()) {
    // A fill that converts its value (f32 into f64) is left to do so.
    if (auto fill = dyn_cast<linalg::FillOp>(op);
        fill && fill.hasPureBufferSemantics() && fill.getOutputs()[0] == output)
      return fill.getInputs()[0].getType() == getElementTypeOrSelf(output.getType()) ? op
                                                                                  : nullptr;
    if (auto broadcast = dyn_cast<linalg::GenericOp>(op);
        broadcast && isBroadcast(broadcast) && broadcast.getDpsInitOperand(0)->get() == output) {
      // Read by every block at its start: the product must not write it (a
      // view of C), nor an op in between.
      Value source = rootBuffer(broadcast.getDpsInputOperand(0)->get());
      if (source == outputBuffer || !knownBuffer(source) ||
          llvm::any_of(between, [&](Operation *b) { return touches(b, {source}); }))
        return nullptr;
      return op;
    }
    if (touches(op, outputRoot))
      return nullptr;
    between.push_back(op);
  }
  return nullptr;
}

linalg::GenericOp sweep::findElementwiseEpilogue(linalg::GenericOp product) {
  Value output = product.getDpsInitOperand(0)->get();
  Value outputRoot = rootBuffer(output);
  auto outputType = cast<MemRefType>(output.getType());
  SmallVector<Operation *> between;
  Operation *next = product->getNextNode();
  for (; next && !touches(next, {outputRoot}); next = next->getNextNode())
    between.push_back(next);
  auto epilogue = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!epilogue || !epilogue.hasPureBufferSemantics() || !allParallel(epilogue) ||
      epilogue.getNumLoops() != unsigned(outputType.getRank()) || !clonableBody(epilogue) ||
      !allMemRefs(epilogue->getOperands()))
    return nullptr;

  // Buffers whose origin is unknown (a select, a call) could alias anything.
  if (!llvm::all_of(epilogue->getOperands(), [](Value v) { return knownBuffer(rootBuffer(v)); }))
    return nullptr;

  // Its operands, and the values its body uses from outside, must exist
  // where the product is.
  DominanceInfo dominance;
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(epilogue->getRegions(), captured);
  for (ValueRange values : {ValueRange(epilogue->getOperands()), ValueRange(captured.getArrayRef())})
    for (Value v : values)
      if (!dominance.properlyDominates(v, product))
        return nullptr;

  // C read once, at the identity, as C itself (not another view of it).
  int readsOfOutput = 0;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    AffineMap map = epilogue.getMatchingIndexingMap(input);
    if (!map.isProjectedPermutation())
      return nullptr;
    if (rootBuffer(input->get()) != outputRoot)
      continue;
    if (input->get() != output || !map.isIdentity())
      return nullptr;
    ++readsOfOutput;
  }
  if (readsOfOutput != 1)
    return nullptr;

  Roots productInputs = {rootBuffer(product.getDpsInputOperand(0)->get()),
                         rootBuffer(product.getDpsInputOperand(1)->get())};
  bool writesOutput = false;
  Roots written = {outputRoot}, read;
  for (OpOperand &init : epilogue.getDpsInitsMutable()) {
    Value buffer = init.get(), root = rootBuffer(buffer);
    if (!epilogue.getMatchingIndexingMap(&init).isIdentity() ||
        cast<MemRefType>(buffer.getType()).getShape() != outputType.getShape() ||
        productInputs.contains(root))
      return nullptr;
    if (root == outputRoot) {
      if (buffer != output)
        return nullptr;
      writesOutput = true;
    } else if (written.contains(root)) {
      return nullptr; // two outputs in one buffer, stored by threads at once
    }
    // Another element of a buffer it writes would be another thread's.
    for (OpOperand *input : epilogue.getDpsInputOperands())
      if (rootBuffer(input->get()) == root &&
          (input->get() != buffer || !epilogue.getMatchingIndexingMap(input).isIdentity()))
        return nullptr;
    written.insert(root);
  }
  for (OpOperand *input : epilogue.getDpsInputOperands())
    read.insert(rootBuffer(input->get()));
  // The epilogue moves up to the product: nothing in between may see it move
  // (read or write what it writes, or write what it reads).
  if (llvm::any_of(between, [&](Operation *op) {
        return touches(op, written) || mayWrite(op, read);
      }))
    return nullptr;
  if (!writesOutput) {
    // C is not stored any more: nothing may read it later, nor outside, nor
    // before the product in a next iteration of a loop around it.
    if (!outputRoot.getDefiningOp<memref::AllocOp>() ||
        !isa<FunctionOpInterface>(product->getParentOp()))
      return nullptr;
    for (Operation *op = epilogue->getNextNode(); op; op = op->getNextNode())
      if (!isa<memref::DeallocOp>(op) && touches(op, {outputRoot}))
        return nullptr;
    for (Operation *user : outputRoot.getUsers())
      if (user->getBlock() != product->getBlock())
        return nullptr;
  }
  return epilogue;
}

void sweep::eraseIfUnused(Value buffer) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc || !llvm::all_of(alloc->getUsers(), [](Operation *user) {
        return isa<memref::DeallocOp>(user);
      }))
    return;
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    user->erase();
  alloc->erase();
}
