//===- LinalgToKernelCalls.cpp - linalg ops that name a sweep kernel ------===//
//
// Two steps on bufferized IR:
//  1. Epilogue fusion. A dense product comes out of convert-train-to-linalg
//     as up to three generics writing one buffer Z: the bias broadcast into Z,
//     the product into Z, and the activation of Z into Y (or, backward, a
//     zero fill of Z, the input gradient into Z, and Z times an activation's
//     slope into Y). When nothing else touches Z in between and nothing reads
//     Z afterwards, they become ONE call of a fused kernel that writes Y once
//     (`sweep_dense_<mode>_bias_<activation>`,
//     `sweep_dense_grad_input_through_<activation>`). A zero fill followed by a
//     weight gradient into the same buffer becomes one call that starts from
//     zero (`sweep_dense_grad_weight_<mode>_from_zero`), and when the
//     optimizer's step is the gradient's only reader, the step happens in the
//     same call on each finished block of the gradient, which is never
//     stored (`sweep_dense_grad_weight_<mode>_<sgd|adam|adamw>`).
//  2. Every remaining generic with a `sweep_` library_call becomes a call.
//
// The tensor-level facts (the bias broadcast and the product each have one
// use) come from convert-train-to-linalg's marks (Passes.h); the memory-level
// facts (no other access to Z, no aliasing of the output with an input) are
// checked here, and a pattern that fails a check is left unfused.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace sweep {
#define GEN_PASS_DEF_CONVERTLINALGTOKERNELCALLS
#include "lib/Conversion/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {
/// The memref with dynamic sizes, strides and offset: one kernel signature
/// per rank, whatever the layer's shape.
MemRefType dynamicStrided(MemRefType type) {
  SmallVector<int64_t> dynamic(type.getRank(), ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, type.getElementType(), layout, type.getMemorySpace());
}

/// Inserts `call @name(memrefs)` before `at`, declaring the kernel on first use.
LogicalResult emitKernelCall(ModuleOp module, Operation *at, StringRef name, ValueRange memrefs) {
  OpBuilder b(at);
  SmallVector<Value> operands;
  SmallVector<Type> types;
  for (Value operand : memrefs) {
    auto memref = dyn_cast<MemRefType>(operand.getType());
    if (!memref)
      return at->emitOpError("kernel '") << name << "' takes memrefs, got " << operand.getType();
    auto type = dynamicStrided(memref);
    operands.push_back(b.create<memref::CastOp>(at->getLoc(), type, operand));
    types.push_back(type);
  }
  auto fnType = b.getFunctionType(types, {});
  auto callee = module.lookupSymbol<func::FuncOp>(name);
  if (callee && callee.getFunctionType() != fnType)
    return at->emitOpError("kernel '") << name << "' is called with operands of other ranks";
  if (!callee) {
    OpBuilder top(module.getBodyRegion());
    callee = top.create<func::FuncOp>(at->getLoc(), name, fnType);
    callee.setPrivate();
    callee->setAttr("llvm.emit_c_interface", top.getUnitAttr());
  }
  b.create<func::CallOp>(at->getLoc(), callee, operands);
  return success();
}

/// The buffer a memref value refers to, through casts.
Value root(Value value) {
  while (auto cast = value.getDefiningOp<memref::CastOp>())
    value = cast.getSource();
  return value;
}

bool isAllocated(Value buffer) { return buffer.getDefiningOp<memref::AllocOp>() != nullptr; }

bool isFunctionArgument(Value buffer) {
  auto argument = dyn_cast<BlockArgument>(buffer);
  return argument && isa<func::FuncOp>(argument.getOwner()->getParentOp());
}

/// The memory a memref value views, through casts, subviews and every other
/// view-like op.
Value allocation(Value value) {
  for (value = root(value); auto view = value.getDefiningOp<ViewLikeOpInterface>();)
    value = root(view.getViewSource());
  return value;
}

/// Whether `written` is provably not the buffer of `read`: different
/// allocations, one of them allocated here, or two arguments of the
/// function. The group ABI passes every argument of a compiled function its
/// own allocation (codegen/cpu/CpuBackend.cpp), as one-shot bufferization
/// already assumes when it computes a result into an out-parameter while
/// reading the inputs.
bool distinct(Value written, Value read) {
  Value a = allocation(written), b = allocation(read);
  return a != b &&
         (isAllocated(a) || isAllocated(b) || (isFunctionArgument(a) && isFunctionArgument(b)));
}

/// Ops that may sit between the fused generics: they touch no buffer memory.
bool touchesNoBuffer(Operation *op) { return isa<memref::AllocOp>(op) || isMemoryEffectFree(op); }

/// The closest op before `op` in its block that may touch a buffer.
Operation *previousAccess(Operation *op) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode())
    if (!touchesNoBuffer(prev))
      return prev;
  return nullptr;
}

bool usesBuffer(Operation *op, Value buffer) {
  bool found = false;
  op->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      found |= root(operand) == buffer;
  });
  return found;
}

/// Whether `op` writes every element of `buffer` without reading it first.
bool overwrites(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return root(fill.getOutputs()[0]) == buffer && root(fill.getInputs()[0]) != buffer;
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumLoops() != generic.getNumParallelLoops())
    return false;
  for (Value input : generic.getDpsInputs())
    if (root(input) == buffer)
      return false;
  for (OpOperand &init : generic.getDpsInitsMutable())
    if (root(init.get()) == buffer && (generic.payloadUsesValueFromOperand(&init) ||
                                       !generic.getMatchingIndexingMap(&init).isPermutation()))
      return false;
  return true;
}

/// Whether nothing after `after` reads the values in `buffer` (it is freed,
/// overwritten or never used again).
bool deadAfter(Value buffer, Operation *after) {
  if (!isAllocated(buffer))
    return false;
  for (Operation *op = after->getNextNode(); op; op = op->getNextNode()) {
    if (!usesBuffer(op, buffer))
      continue;
    return isa<memref::DeallocOp>(op) || overwrites(op, buffer);
  }
  return true;
}

linalg::GenericOp libraryCall(Operation *op, ArrayRef<StringRef> names) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || !generic.getLibraryCall() ||
      !llvm::is_contained(names, *generic.getLibraryCall()))
    return nullptr;
  return generic;
}

/// One fused kernel call replacing `replaced` (the last of which is where
/// the call goes), and the buffer the fusion no longer writes.
struct Fusion {
  std::string kernel;
  SmallVector<Value> operands;
  SmallVector<Operation *> replaced;
  Value unwritten;
};

constexpr StringRef kForwardProducts[] = {"sweep_dense_wide", "sweep_dense_shared",
                                          "sweep_dense_per_run"};

/// bias broadcast -> product [-> activation], all into one buffer Z.
std::optional<Fusion> matchForward(linalg::GenericOp product, linalg::GenericOp activation) {
  Value z = root(product.getDpsInits()[0]);
  auto broadcast = dyn_cast_or_null<linalg::GenericOp>(previousAccess(product));
  if (!broadcast || !broadcast->hasAttr(sweep::kBiasInitAttr) ||
      root(broadcast.getDpsInits()[0]) != z)
    return std::nullopt;
  if (broadcast.getNumDpsInputs() != 1)
    return std::nullopt;
  Value x = product.getDpsInputs()[0], w = product.getDpsInputs()[1];
  Value bias = broadcast.getDpsInputs()[0];
  Fusion fusion;
  fusion.kernel = (*product.getLibraryCall() + "_bias_").str();
  fusion.replaced = {broadcast, product};
  if (!activation) {
    fusion.kernel += "identity";
    fusion.operands = {x, w, bias, product.getDpsInits()[0]};
    return fusion;
  }
  auto actAttr = activation->getAttrOfType<StringAttr>(sweep::kEpilogueAttr);
  if (!actAttr || activation.getNumDpsInputs() != 1 || activation.getNumDpsInits() != 1)
    return std::nullopt;
  StringRef act = actAttr.getValue();
  Value y = activation.getDpsInits()[0];
  if (!llvm::is_contained({"relu", "tanh", "sigmoid", "identity"}, act) ||
      root(activation.getDpsInputs()[0]) != z || !distinct(y, x) || !distinct(y, w) ||
      !distinct(y, bias) || (root(y) != z && !deadAfter(z, activation)))
    return std::nullopt;
  fusion.kernel += act.str();
  fusion.operands = {x, w, bias, y};
  fusion.replaced.push_back(activation);
  if (root(y) != z)
    fusion.unwritten = z;
  return fusion;
}

/// The fill with +0.0 of the product's output buffer right before it (no
/// access to any buffer in between), or null.
linalg::FillOp zeroFillBefore(linalg::GenericOp product) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(previousAccess(product));
  if (!fill || root(fill.getOutputs()[0]) != root(product.getDpsInits()[0]) ||
      !matchPattern(fill.getInputs()[0], m_PosZeroFloat()))
    return nullptr;
  return fill;
}

/// zero fill -> input gradient -> times the activation's slope.
std::optional<Fusion> matchBackward(linalg::GenericOp slope) {
  auto actAttr = slope->getAttrOfType<StringAttr>(sweep::kEpilogueGradAttr);
  if (!actAttr || slope.getNumDpsInputs() != 2 || slope.getNumDpsInits() != 1)
    return std::nullopt;
  StringRef act = actAttr.getValue();
  linalg::GenericOp product = libraryCall(previousAccess(slope), {"sweep_dense_grad_input"});
  if (!product || !llvm::is_contained({"relu", "tanh", "sigmoid"}, act))
    return std::nullopt;
  Value z = root(product.getDpsInits()[0]);
  linalg::FillOp fill = zeroFillBefore(product);
  if (!fill)
    return std::nullopt;
  Value dy = product.getDpsInputs()[0], w = product.getDpsInputs()[1];
  Value y = slope.getDpsInputs()[0], dx = slope.getDpsInits()[0];
  // dx may be y or dy itself (written in place over the activation output
  // or the output gradient it is computed from): the kernel handles both
  // (Gemm.h). It may not be the weights or partly overlap anything.
  auto sameOrDistinct = [&](Value read) { return root(dx) == root(read) || distinct(dx, read); };
  if (root(slope.getDpsInputs()[1]) != z || root(y) == z || !sameOrDistinct(dy) ||
      !distinct(dx, w) || !sameOrDistinct(y) || (root(dx) != z && !deadAfter(z, slope)))
    return std::nullopt;
  Fusion fusion;
  fusion.kernel = ("sweep_dense_grad_input_through_" + act).str();
  fusion.operands = {dy, w, y, dx};
  fusion.replaced = {fill, product, slope};
  if (root(dx) != z)
    fusion.unwritten = z;
  return fusion;
}

constexpr StringRef kWeightGradients[] = {"sweep_dense_grad_weight_wide",
                                          "sweep_dense_grad_weight_shared",
                                          "sweep_dense_grad_weight_per_run"};

/// zero fill -> weight gradient into the same buffer: the kernel starts its
/// sums from zero instead (the same values, one pass over the gradient less).
/// Nothing touches the buffer in between, and the product overwrites what
/// the fill wrote, so no other check is needed.
std::optional<Fusion> matchZeroStart(linalg::GenericOp product) {
  Value out = product.getDpsInits()[0];
  linalg::FillOp fill = zeroFillBefore(product);
  if (!fill)
    return std::nullopt;
  Fusion fusion;
  fusion.kernel = (*product.getLibraryCall() + "_from_zero").str();
  fusion.operands = {product.getDpsInputs()[0], product.getDpsInputs()[1], out};
  fusion.replaced = {fill, product};
  return fusion;
}

/// Whether `op` may write `buffer`: a linalg op through its outputs, any
/// other op that uses it (a call, a copy, a dealloc) conservatively.
bool mayWrite(Operation *op, Value buffer) {
  if (!usesBuffer(op, buffer))
    return false;
  if (auto structured = dyn_cast<linalg::LinalgOp>(op))
    return llvm::any_of(structured.getDpsInits(),
                        [&](Value init) { return root(init) == buffer; });
  return !isa<memref::DimOp>(op);
}

/// The operand counts of the update generics (convert-train-to-linalg):
/// inputs (param, grad, state..., hypers...), outputs (new param, new state...).
std::optional<std::pair<unsigned, unsigned>> updateArity(StringRef rule) {
  if (rule == "sgd")
    return std::make_pair(7u, 2u);
  if (rule == "adam" || rule == "adamw")
    return std::make_pair(11u, 3u);
  return std::nullopt;
}

/// Whether `value` is available at `op`: a block argument of the function,
/// or defined before `op` in its block.
bool definedBefore(Value value, Operation *op) {
  if (isa<BlockArgument>(value))
    return isFunctionArgument(value);
  Operation *def = value.getDefiningOp();
  return def->getBlock() == op->getBlock() && def->isBeforeInBlock(op);
}

/// zero fill -> weight gradient into G -> ... -> the optimizer's step that
/// reads G: one call of a kernel that hands each finished block of the
/// gradient to the step (runtime/kernels/OptimizerStep.h), so G is never
/// written or read back. Nothing in between may touch G. The call goes at
/// the product when nothing in between writes the step's inputs or touches
/// its outputs, and its operands exist there (the step moves up), else at
/// the step when nothing in between writes the product's inputs (the
/// product moves down). Up first: the product's inputs, a layer's input x
/// and output gradient dy, are then last read where they were just
/// computed, and their buffers are free for the rest of the backward pass
/// (reuse-dead-buffers) instead of held until the steps at its end. The step's
/// outputs are written while the product still reads its inputs, so they
/// must not alias them; an output may be the very buffer of the input it
/// replaces (element by element), of no other operand.
std::optional<Fusion> matchUpdate(linalg::GenericOp product) {
  Value g = root(product.getDpsInits()[0]);
  linalg::FillOp fill = zeroFillBefore(product);
  if (!fill)
    return std::nullopt;
  Value x = product.getDpsInputs()[0], dy = product.getDpsInputs()[1];
  linalg::GenericOp update;
  SmallVector<Operation *> between;
  bool down = true;
  for (Operation *op = product->getNextNode(); op; op = op->getNextNode()) {
    if (usesBuffer(op, g)) {
      update = dyn_cast<linalg::GenericOp>(op);
      break;
    }
    down &= !mayWrite(op, root(x)) && !mayWrite(op, root(dy));
    between.push_back(op);
  }
  if (!update || !update.hasPureBufferSemantics())
    return std::nullopt;
  bool up = llvm::all_of(update->getOperands(),
                         [&](Value operand) { return definedBefore(operand, product); }) &&
            llvm::none_of(between, [&](Operation *op) {
              return llvm::any_of(update.getDpsInputs(),
                                  [&](Value input) { return mayWrite(op, root(input)); }) ||
                     llvm::any_of(update.getDpsInits(),
                                  [&](Value output) { return usesBuffer(op, root(output)); });
            });
  if (!up && !down)
    return std::nullopt;
  auto rule = update->getAttrOfType<StringAttr>(sweep::kUpdateAttr);
  std::optional<std::pair<unsigned, unsigned>> arity =
      rule ? updateArity(rule.getValue()) : std::nullopt;
  if (!arity || update.getNumDpsInputs() != arity->first ||
      update.getNumDpsInits() != arity->second)
    return std::nullopt;
  SmallVector<Value> inputs(update.getDpsInputs()), outputs(update.getDpsInits());
  if (root(inputs[1]) != g)
    return std::nullopt;
  for (auto [i, input] : llvm::enumerate(inputs))
    if (i != 1 && root(input) == g)
      return std::nullopt;
  bool overwritten = llvm::any_of(outputs, [&](Value out) { return root(out) == g; });
  if (!overwritten && !deadAfter(g, update))
    return std::nullopt;
  for (auto [o, out] : llvm::enumerate(outputs)) {
    if (!distinct(out, x) || !distinct(out, dy))
      return std::nullopt;
    for (auto [i, input] : llvm::enumerate(inputs)) {
      // The input this output replaces: param for new param, state s for new state s.
      bool replaced = i == (o == 0 ? 0 : o + 1);
      if (i != 1 && !distinct(out, input) && !(replaced && input == out))
        return std::nullopt;
    }
    for (Value other : ArrayRef<Value>(outputs).drop_front(o + 1))
      if (!distinct(out, other))
        return std::nullopt;
  }
  Fusion fusion;
  fusion.kernel = (*product.getLibraryCall() + "_" + rule.getValue()).str();
  fusion.operands = {x, dy, inputs[0]};
  llvm::append_range(fusion.operands, ArrayRef<Value>(inputs).drop_front(2));
  llvm::append_range(fusion.operands, outputs);
  // The call goes where the last replaced op was.
  if (up)
    fusion.replaced = {fill, update, product};
  else
    fusion.replaced = {fill, product, update};
  if (!overwritten)
    fusion.unwritten = g;
  return fusion;
}

/// Every fusion of the module, found before any is applied (each only
/// removes accesses to its own Z, so the checks of the others still hold).
SmallVector<Fusion> findFusions(ModuleOp module) {
  SmallVector<Fusion> fusions;
  llvm::DenseSet<Operation *> fused;
  module.walk([&](linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics())
      return;
    std::optional<Fusion> fusion;
    if (op->hasAttr(sweep::kEpilogueGradAttr)) {
      fusion = matchBackward(op);
    } else if (op->hasAttr(sweep::kEpilogueAttr)) {
      if (linalg::GenericOp product = libraryCall(previousAccess(op), kForwardProducts))
        fusion = matchForward(product, op);
    }
    if (!fusion)
      return;
    fused.insert(fusion->replaced.begin(), fusion->replaced.end());
    fusions.push_back(std::move(*fusion));
  });
  // Products not claimed by an activation: fuse the bias alone.
  module.walk([&](linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics() || !libraryCall(op, kForwardProducts) || fused.contains(op))
      return;
    if (std::optional<Fusion> fusion = matchForward(op, nullptr))
      fusions.push_back(std::move(*fusion));
  });
  module.walk([&](linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics() || !libraryCall(op, kWeightGradients))
      return;
    std::optional<Fusion> fusion = matchUpdate(op);
    if (!fusion)
      fusion = matchZeroStart(op);
    if (fusion)
      fusions.push_back(std::move(*fusion));
  });
  return fusions;
}

/// Frees an allocation that only deallocations still use.
void eraseIfUnused(Value buffer) {
  auto alloc = buffer ? buffer.getDefiningOp<memref::AllocOp>() : nullptr;
  if (!alloc || !llvm::all_of(alloc->getUsers(),
                              [](Operation *user) { return isa<memref::DeallocOp>(user); }))
    return;
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    user->erase();
  alloc->erase();
}

/// The operands each library call's kernel takes (runtime/kernels): two f32
/// inputs and one f32 output, of these ranks. The matchers above rely on it.
struct KernelOperands {
  StringRef name;
  int64_t ranks[3];
};
constexpr KernelOperands kKernelOperands[] = {
    {"sweep_dense_wide", {2, 3, 3}},
    {"sweep_dense_shared", {2, 3, 3}},
    {"sweep_dense_per_run", {3, 3, 3}},
    {"sweep_dense_grad_weight_wide", {2, 3, 3}},
    {"sweep_dense_grad_weight_shared", {2, 3, 3}},
    {"sweep_dense_grad_weight_per_run", {3, 3, 3}},
    {"sweep_dense_grad_input", {3, 3, 3}},
};

/// A generic naming a `sweep_` library call must name a kernel and give it
/// the operands it takes. Regression: a hand-written one with a scalar
/// operand, too few inputs or other ranks crashed the pass or called a
/// kernel with arguments it does not read.
LogicalResult checkKernelOperands(linalg::GenericOp op) {
  StringRef name = *op.getLibraryCall();
  const KernelOperands *kernel = llvm::find_if(
      kKernelOperands, [&](const KernelOperands &k) { return k.name == name; });
  if (kernel == std::end(kKernelOperands))
    return op.emitOpError("library_call '") << name << "' names no sweep kernel";
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return op.emitOpError("library_call '")
           << name << "' takes two inputs and one output, got " << op.getNumDpsInputs()
           << " and " << op.getNumDpsInits();
  for (auto [operand, rank] : llvm::zip(op->getOperands(), kernel->ranks)) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || type.getRank() != rank || !type.getElementType().isF32())
      return op.emitOpError("library_call '")
             << name << "' takes f32 memrefs of ranks " << kernel->ranks[0] << ", "
             << kernel->ranks[1] << " and " << kernel->ranks[2] << ", got "
             << operand.getType();
  }
  return success();
}

struct ConvertLinalgToKernelCallsPass
    : public sweep::impl::ConvertLinalgToKernelCallsBase<ConvertLinalgToKernelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult checked = module.walk([&](linalg::GenericOp op) {
      std::optional<StringRef> name = op.getLibraryCall();
      if (name && name->starts_with("sweep_") && op.hasPureBufferSemantics() &&
          failed(checkKernelOperands(op)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();
    for (Fusion &fusion : findFusions(module)) {
      if (failed(emitKernelCall(module, fusion.replaced.back(), fusion.kernel, fusion.operands)))
        return signalPassFailure();
      for (Operation *op : llvm::reverse(fusion.replaced))
        op->erase();
      eraseIfUnused(fusion.unwritten);
    }

    SmallVector<linalg::GenericOp> calls;
    module.walk([&](linalg::GenericOp op) {
      std::optional<StringRef> name = op.getLibraryCall();
      if (name && name->starts_with("sweep_") && op.hasPureBufferSemantics())
        calls.push_back(op);
    });
    for (linalg::GenericOp op : calls) {
      if (failed(emitKernelCall(module, op, *op.getLibraryCall(), op->getOperands())))
        return signalPassFailure();
      op.erase();
    }
  }
};
} // namespace
