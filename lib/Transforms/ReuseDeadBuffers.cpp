//===- ReuseDeadBuffers.cpp - one buffer for values that never meet --------===//
//
// Bufferization gives every tensor.empty its own allocation once
// split-shared-empties has given each destination its own empty tensor (the
// price of a bufferization analysis that is linear instead of quadratic in a
// deep model), and the deallocation pipeline frees every buffer at the end
// of its block. So a step would hold all its temporaries at once. Here a
// buffer whose last use has passed is handed to the next allocation of the
// same type and size, as a register allocator's linear scan does with
// registers (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"
#include "lib/Transforms/ProductFusion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/DenseMap.h"

namespace sweep {
#define GEN_PASS_DEF_REUSEDEADBUFFERS
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// A top-level allocation with the span of top-level ops that use it (or a
/// view of it), and its one deallocation (at the end of the block after the
/// deallocation pipeline, or right after the last use where a pass frees its
/// own scratch buffers).
struct Lifetime {
  memref::AllocOp alloc;
  memref::DeallocOp dealloc;
  unsigned start = 0, end = 0;
  /// The first top-level op that touches the buffer, views included.
  unsigned firstTouch = 0;
};

bool isScalar(Type type) { return type.isIntOrIndexOrFloat(); }

/// The lifetime of `alloc` in `block`, or nothing when its buffer may be
/// reached where the uses cannot be seen: returned, yielded, passed out of a
/// view op that is not one, turned into a pointer, or freed other than once
/// at the top level.
std::optional<Lifetime> lifetimeOf(memref::AllocOp alloc, Block &block,
                                   const llvm::DenseMap<Operation *, unsigned> &position) {
  Lifetime life;
  life.alloc = alloc;
  // From the first use, not the allocation: buffers are often allocated
  // together, well before they are needed (split-shared-empties puts them
  // where the shared empty tensor was).
  life.start = life.firstTouch = unsigned(block.getOperations().size());
  life.end = position.lookup(alloc);
  SmallVector<Value> aliases{alloc.getResult()};
  for (size_t next = 0; next < aliases.size(); ++next) {
    Value alias = aliases[next];
    for (OpOperand &use : alias.getUses()) {
      Operation *user = use.getOwner();
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        if (alias != alloc.getResult() || user->getBlock() != &block || life.dealloc)
          return std::nullopt;
        life.dealloc = dealloc;
        continue;
      }
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (view && view.getViewSource() == alias) {
        // A view reads and writes nothing: what counts is where it is used.
        for (Value result : user->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            aliases.push_back(result);
        if (Operation *topLevel = block.findAncestorOpInBlock(*user))
          life.firstTouch = std::min(life.firstTouch, position.lookup(topLevel));
        continue;
      }
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::ExtractAlignedPointerAsIndexOp>(user) ||
          !llvm::all_of(user->getResultTypes(), isScalar))
        return std::nullopt;
      Operation *topLevel = block.findAncestorOpInBlock(*user);
      if (!topLevel)
        return std::nullopt;
      life.start = std::min(life.start, position.lookup(topLevel));
      life.firstTouch = std::min(life.firstTouch, position.lookup(topLevel));
      life.end = std::max(life.end, position.lookup(topLevel));
    }
  }
  if (!life.dealloc)
    return std::nullopt;
  life.start = std::min(life.start, life.end);
  return life;
}

/// The buffer `value` is the whole of, through casts only (null otherwise).
Value wholeBuffer(Value value) {
  while (auto cast = value.getDefiningOp<memref::CastOp>())
    value = cast.getSource();
  return value.getDefiningOp<memref::AllocOp>() ? value : Value();
}

/// Whether `op`, where the value in buffer `in` is last used and the value
/// of buffer `out` first, may write the latter over the former: an
/// elementwise generic that reads `in` and writes `out` at the same element
/// (identity maps, no reduction), or the input-gradient kernel that writes
/// dx over its gate y or its dy (runtime/kernels/Gemm.h handles both),
/// each operand the whole buffer, and neither buffer used inside `op`.
bool mayWriteInPlace(Operation *op, Value in, Value out) {
  auto rooted = [&](Value v) {
    Value root = sweep::rootBuffer(v);
    return root == in || root == out;
  };
  bool nested = false;
  op->walk([&](Operation *inner) {
    if (inner != op && llvm::any_of(inner->getOperands(), rooted))
      nested = true;
  });
  if (nested)
    return false;
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    if (generic.getNumReductionLoops() != 0)
      return false;
    for (OpOperand &operand : op->getOpOperands()) {
      if (!rooted(operand.get()))
        continue;
      Value whole = wholeBuffer(operand.get());
      if (!whole || !generic.getMatchingIndexingMap(&operand).isIdentity() ||
          generic.isDpsInit(&operand) != (whole == out))
        return false;
    }
    return true;
  }
  auto call = dyn_cast<func::CallOp>(op);
  if (!call || !call.getCallee().starts_with("sweep_dense_grad_input_through_") ||
      call.getNumOperands() != 4)
    return false;
  // (dy, w, y, dx): dx may be y or dy.
  for (auto [i, operand] : llvm::enumerate(call.getOperands())) {
    if (!rooted(operand))
      continue;
    Value whole = wholeBuffer(operand);
    if (!whole || (whole == out ? i != 3 : i != 0 && i != 2))
      return false;
  }
  return true;
}

/// Allocations that may share a buffer: the same type (shape, layout, memory
/// space), the same dynamic sizes and alignment.
bool sameBuffer(memref::AllocOp a, memref::AllocOp b) {
  return a.getType() == b.getType() && a.getDynamicSizes() == b.getDynamicSizes() &&
         a.getSymbolOperands() == b.getSymbolOperands() &&
         a.getAlignmentAttr() == b.getAlignmentAttr();
}

void reuseInBlock(Block &block) {
  llvm::DenseMap<Operation *, unsigned> position;
  SmallVector<Operation *> ops;
  for (Operation &op : block) {
    position[&op] = ops.size();
    ops.push_back(&op);
  }

  SmallVector<Lifetime> lifetimes;
  for (Operation &op : block)
    if (auto alloc = dyn_cast<memref::AllocOp>(op))
      if (std::optional<Lifetime> life = lifetimeOf(alloc, block, position))
        lifetimes.push_back(*life);

  // Linear scan in the order lifetimes start. Each buffer kept is free after
  // `end`, or at `end` for an op that may write in place; an allocation
  // takes the free buffer of its kind that was freed last (the one most
  // likely still in cache; in place, if it may), else keeps its own. The
  // kept buffer's allocation comes before its own first use, so before every
  // use of the value that takes it over.
  llvm::stable_sort(lifetimes,
                    [](const Lifetime &a, const Lifetime &b) { return a.start < b.start; });
  SmallVector<Lifetime> kept;
  for (Lifetime &life : lifetimes) {
    Lifetime *reused = nullptr;
    for (Lifetime &buffer : kept) {
      bool free = buffer.end < life.start ||
                  (buffer.end == life.start &&
                   mayWriteInPlace(ops[life.start], buffer.alloc, life.alloc));
      if (free && sameBuffer(buffer.alloc, life.alloc) && (!reused || buffer.end > reused->end))
        reused = &buffer;
    }
    if (!reused) {
      kept.push_back(life);
      continue;
    }
    // The buffer is freed where the later of the two was: a dealloc right
    // after a buffer's last use (not at the end of the block) would free it
    // under the value that takes it over.
    bool laterIsOurs = position.lookup(life.dealloc) > position.lookup(reused->dealloc);
    (laterIsOurs ? reused->dealloc : life.dealloc)->erase();
    if (laterIsOurs)
      reused->dealloc = life.dealloc;
    life.alloc.getResult().replaceAllUsesWith(reused->alloc.getResult());
    life.alloc->erase();
    reused->end = life.end;
  }

  // Each buffer allocated where it is first touched, not where its empty
  // tensor was (the top of the step, after split-shared-empties): hundreds
  // of pointers live across a whole step cost LLVM's register allocator
  // and SLP vectorizer time, a 201-layer model's compile 10% more. The
  // sizes it takes are defined before its old place, so before the new one.
  for (Lifetime &buffer : kept)
    if (buffer.firstTouch < ops.size() && buffer.firstTouch > position.lookup(buffer.alloc))
      buffer.alloc->moveBefore(ops[buffer.firstTouch]);
}

struct ReuseDeadBuffersPass : public sweep::impl::ReuseDeadBuffersBase<ReuseDeadBuffersPass> {
  void runOnOperation() override {
    getOperation()->walk([](FunctionOpInterface function) {
      Region &body = function.getFunctionBody();
      if (body.hasOneBlock())
        reuseInBlock(body.front());
    });
  }
};
} // namespace
