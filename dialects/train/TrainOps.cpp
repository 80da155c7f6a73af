//===- TrainOps.cpp - train dialect verifiers -----------------------------===//
//
// Every verifier checks the run axis and the shapes that must agree; a
// dynamic dimension (`?`, the batch) agrees with anything.
//
//===----------------------------------------------------------------------===//

#include "dialects/train/TrainOps.h"

using namespace mlir;
using namespace sweep::train;

namespace {
/// Two dimensions agree when equal or when either is dynamic.
bool agree(int64_t a, int64_t b) {
  return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
}

/// Checks that `type` has `rank` and reports `what` otherwise.
LogicalResult expectRank(Operation *op, RankedTensorType type, int64_t rank, StringRef what) {
  if (type.getRank() == rank)
    return success();
  return op->emitOpError() << "expects " << what << " of rank " << rank << ", got " << type;
}

/// Every dimension of `type` static except `batchDim` (-1: none): run
/// counts, widths and classes are fixed when a group compiles; only the
/// batch varies (the last minibatch is smaller).
LogicalResult expectStatic(Operation *op, RankedTensorType type, StringRef what,
                           int64_t batchDim) {
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != batchDim && type.isDynamicDim(d))
      return op->emitOpError() << "expects " << what << " with static sizes except the batch, got "
                               << type;
  return success();
}

/// Checks dimension `da` of `a` against dimension `db` of `b`.
LogicalResult expectDim(Operation *op, RankedTensorType a, int64_t da, StringRef aName,
                        RankedTensorType b, int64_t db, StringRef bName, StringRef meaning) {
  if (agree(a.getDimSize(da), b.getDimSize(db)))
    return success();
  return op->emitOpError() << meaning << " of " << aName << " (" << a.getDimSize(da) << ") and "
                           << bName << " (" << b.getDimSize(db) << ") differ";
}

/// [R, B, C] logits against [B] labels, with a [R] per-run result.
LogicalResult verifyLogitsAndLabels(Operation *op, RankedTensorType logits,
                                    RankedTensorType labels) {
  if (failed(expectRank(op, logits, 3, "logits [R, B, C]")) ||
      failed(expectRank(op, labels, 1, "labels [B]")) ||
      failed(expectStatic(op, logits, "logits", 1)))
    return failure();
  return expectDim(op, logits, 1, "logits", labels, 0, "labels", "batch sizes");
}

LogicalResult verifyPerRun(Operation *op, RankedTensorType perRun, RankedTensorType batched,
                           StringRef what) {
  if (failed(expectRank(op, perRun, 1, what)))
    return failure();
  if (batched.getRank() < 1)
    return op->emitOpError() << "expects a parameter with a leading run axis, got " << batched;
  if (failed(expectStatic(op, batched, "a parameter", -1)) ||
      failed(expectStatic(op, perRun, what, -1)))
    return failure();
  return expectDim(op, perRun, 0, what, batched, 0, "the batched operand", "run counts");
}

/// [R, B, T] outputs against [B, T] float targets or [B] labels.
LogicalResult verifyOutputAndTarget(Operation *op, RankedTensorType output,
                                    RankedTensorType target) {
  if (failed(expectRank(op, output, 3, "outputs [R, B, T]")) ||
      failed(expectStatic(op, output, "outputs", 1)))
    return failure();
  bool labels = target.getElementType().isInteger(32);
  if (failed(expectRank(op, target, labels ? 1 : 2, labels ? "labels [B]" : "targets [B, T]")) ||
      failed(expectDim(op, output, 1, "outputs", target, 0, "targets", "batch sizes")))
    return failure();
  if (!labels)
    return expectDim(op, output, 2, "outputs", target, 1, "targets", "output widths");
  return success();
}

/// The result's dimensions are exactly the ones its operands give: dynamic
/// where they are (the batch), static and equal elsewhere. Regression: a `?`
/// result dimension agreed with any size, and convert-train-to-linalg then
/// looked for an operand's size it does not have (a crash).
LogicalResult expectResult(Operation *op, RankedTensorType result, ArrayRef<int64_t> expected) {
  if (result.getShape() == expected)
    return success();
  auto diag = op->emitOpError() << "result type " << result << " does not match the expected [";
  llvm::interleaveComma(expected, diag, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      diag << "?";
    else
      diag << d;
  });
  return diag << "]";
}
} // namespace

/// Activations whose slope follows from their output.
static bool slopeFromOutput(ActivationKind kind) { return kind != ActivationKind::Gelu; }

/// Activations run on [B, N] (the shared input) or [R, B, N].
static LogicalResult verifyActivationOperand(Operation *op, RankedTensorType type) {
  if (type.getRank() != 2 && type.getRank() != 3)
    return op->emitOpError() << "expects [B, N] or [R, B, N], got " << type;
  return expectStatic(op, type, "an activation operand", type.getRank() - 2);
}

LogicalResult ActivationOp::verify() {
  return verifyActivationOperand(*this, getInput().getType());
}

LogicalResult ActivationGradOp::verify() {
  return verifyActivationOperand(*this, getInput().getType());
}

LogicalResult SoftmaxOp::verify() {
  RankedTensorType type = getInput().getType();
  if (failed(expectRank(*this, type, 3, "logits [R, B, C]")))
    return failure();
  return expectStatic(*this, type, "logits", 1);
}

LogicalResult ActivationOutputGradOp::verify() {
  if (failed(verifyActivationOperand(*this, getInput().getType())))
    return failure();
  if (!slopeFromOutput(getKind()))
    return emitOpError() << "needs an activation whose slope follows from its output, not "
                         << stringifyActivationKind(getKind());
  return success();
}

LogicalResult DenseOp::verify() {
  if (getActivation() && !slopeFromOutput(*getActivation()))
    return emitOpError() << "cannot fuse " << stringifyActivationKind(*getActivation())
                         << ": its gradient needs the pre-activation";
  RankedTensorType input = getInput().getType(), weight = getWeight().getType(),
                   bias = getBias().getType();
  if (input.getRank() != 2 && input.getRank() != 3)
    return emitOpError() << "expects an input [B, K] shared by all runs or [R, B, K], got "
                         << input;
  if (getWide() && !hasSharedInput())
    return emitOpError() << "is wide, but its input is per run: only a shared input makes "
                            "one GEMM over all runs";
  if (failed(expectRank(*this, weight, 3, "weight [R, K, N]")) ||
      failed(expectRank(*this, bias, 2, "bias [R, N]")) ||
      failed(expectStatic(*this, weight, "weight", -1)) ||
      failed(expectStatic(*this, bias, "bias", -1)) ||
      failed(expectStatic(*this, input, "input", input.getRank() - 2)))
    return failure();
  int64_t k = input.getRank() - 1;
  if (failed(expectDim(*this, input, k, "input", weight, 1, "weight", "input widths")) ||
      failed(expectDim(*this, weight, 0, "weight", bias, 0, "bias", "run counts")) ||
      failed(expectDim(*this, weight, 2, "weight", bias, 1, "bias", "output widths")))
    return failure();
  if (!hasSharedInput() &&
      failed(expectDim(*this, input, 0, "input", weight, 0, "weight", "run counts")))
    return failure();
  return expectResult(*this, getResult().getType(),
                      {weight.getDimSize(0), input.getDimSize(k - 1), weight.getDimSize(2)});
}

LogicalResult DropoutMaskOp::verify() {
  RankedTensorType result = getResult().getType();
  if (failed(expectRank(*this, result, 3, "a result [R, B, N]")) ||
      failed(expectStatic(*this, result, "a result", 1)))
    return failure();
  struct PerRun {
    RankedTensorType type;
    StringRef name;
  } perRun[] = {{getSeeds().getType(), "seeds"},
                {getBelow().getType(), "thresholds"},
                {getKeep().getType(), "keep scales"}};
  for (const PerRun &operand : perRun)
    if (failed(expectRank(*this, operand.type, 1, operand.name)) ||
        failed(expectStatic(*this, operand.type, operand.name, -1)) ||
        failed(expectDim(*this, operand.type, 0, operand.name, result, 0, "the result",
                         "run counts")))
      return failure();
  if (failed(expectRank(*this, getFirstRow().getType(), 0, "a first row")))
    return failure();
  // Read signed: the accessor of I64Attr is unsigned.
  if (int64_t layer = getLayerAttr().getInt(); layer < 0)
    return emitOpError() << "expects a dropout layer index of at least 0, got " << layer;
  return success();
}

LogicalResult DropoutOp::verify() {
  RankedTensorType input = getInput().getType(), scale = getScale().getType();
  if (failed(expectRank(*this, scale, 3, "scale [R, B, N]")) ||
      failed(expectStatic(*this, scale, "scale", 1)))
    return failure();
  if (input.getRank() != 2 && input.getRank() != 3)
    return emitOpError() << "expects an input [B, N] shared by all runs or [R, B, N], got "
                         << input;
  int64_t offset = 3 - input.getRank(); // A shared input has no run axis.
  for (int64_t d = input.getRank() - 1; d >= 0; --d)
    if (failed(expectDim(*this, input, d, "input", scale, d + offset, "scale",
                         d + offset == 0 ? "run counts" : "sizes")))
      return failure();
  return success();
}

LogicalResult CrossEntropyOp::verify() {
  RankedTensorType logits = getLogits().getType();
  if (failed(verifyLogitsAndLabels(*this, logits, getLabels().getType())))
    return failure();
  return expectResult(*this, getLoss().getType(), {logits.getDimSize(0)});
}

LogicalResult CrossEntropyGradOp::verify() {
  if (failed(verifyLogitsAndLabels(*this, getLogits().getType(), getLabels().getType())))
    return failure();
  if (getResult().getType() != getLogits().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " differs from the logits type " << getLogits().getType();
  return success();
}

LogicalResult LossRowsOp::verify() {
  RankedTensorType output = getOutput().getType(), target = getTarget().getType();
  if (getKind() == "cross_entropy") {
    if (failed(verifyLogitsAndLabels(*this, output, target)))
      return failure();
  } else if (getKind() == "mse") {
    if (failed(verifyOutputAndTarget(*this, output, target)))
      return failure();
  } else {
    return emitOpError() << "has kind '" << getKind() << "'; expected cross_entropy or mse";
  }
  return expectResult(*this, getRows().getType(), {output.getDimSize(0), output.getDimSize(1)});
}

LogicalResult AccuracyOp::verify() {
  RankedTensorType logits = getLogits().getType();
  if (failed(verifyLogitsAndLabels(*this, logits, getLabels().getType())))
    return failure();
  return expectResult(*this, getCorrect().getType(), {logits.getDimSize(0)});
}

LogicalResult MseOp::verify() {
  RankedTensorType output = getOutput().getType();
  if (failed(verifyOutputAndTarget(*this, output, getTarget().getType())))
    return failure();
  return expectResult(*this, getLoss().getType(), {output.getDimSize(0)});
}

LogicalResult MseGradOp::verify() {
  if (failed(verifyOutputAndTarget(*this, getOutput().getType(), getTarget().getType())))
    return failure();
  if (getResult().getType() != getOutput().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " differs from the output type " << getOutput().getType();
  return success();
}

LogicalResult BackwardOp::verify() {
  if (failed(expectRank(*this, getLoss().getType(), 1, "a per-run loss [R]")))
    return failure();
  for (Value value : getWrt())
    if (cast<RankedTensorType>(value.getType()).getRank() < 1)
      return emitOpError() << "differentiates a value without a run axis: " << value.getType();
  // What is differentiated are parameters, whose sizes a group fixes (a
  // dynamic one made train-autodiff's zero gradient an invalid constant).
  for (Value value : getWrt())
    if (failed(expectStatic(*this, cast<RankedTensorType>(value.getType()), "values to "
                            "differentiate", -1)))
      return failure();
  for (Value value : getWrt())
    if (failed(expectDim(*this, getLoss().getType(), 0, "loss",
                         cast<RankedTensorType>(value.getType()), 0, "a value", "run counts")))
      return failure();
  return success();
}

LogicalResult DenseGradInputOp::verify() {
  RankedTensorType grad = getGrad().getType(), weight = getWeight().getType();
  if (failed(expectRank(*this, grad, 3, "grad [R, B, N]")) ||
      failed(expectRank(*this, weight, 3, "weight [R, K, N]")) ||
      failed(expectStatic(*this, weight, "weight", -1)) ||
      failed(expectStatic(*this, grad, "grad", 1)) ||
      failed(expectDim(*this, grad, 0, "grad", weight, 0, "weight", "run counts")) ||
      failed(expectDim(*this, grad, 2, "grad", weight, 2, "weight", "output widths")))
    return failure();
  return expectResult(*this, getResult().getType(),
                      {weight.getDimSize(0), grad.getDimSize(1), weight.getDimSize(1)});
}

LogicalResult DenseGradWeightOp::verify() {
  RankedTensorType input = getInput().getType(), grad = getGrad().getType();
  if (input.getRank() != 2 && input.getRank() != 3)
    return emitOpError() << "expects an input [B, K] or [R, B, K], got " << input;
  if (getWide() && input.getRank() != 2)
    return emitOpError() << "is wide, but its input is per run: only a shared input makes "
                            "one GEMM over all runs";
  if (failed(expectRank(*this, grad, 3, "grad [R, B, N]")) ||
      failed(expectStatic(*this, grad, "grad", 1)) ||
      failed(expectStatic(*this, input, "input", input.getRank() - 2)))
    return failure();
  int64_t b = input.getRank() - 2;
  if (failed(expectDim(*this, input, b, "input", grad, 1, "grad", "batch sizes")))
    return failure();
  if (input.getRank() == 3 &&
      failed(expectDim(*this, input, 0, "input", grad, 0, "grad", "run counts")))
    return failure();
  return expectResult(*this, getResult().getType(),
                      {grad.getDimSize(0), input.getDimSize(b + 1), grad.getDimSize(2)});
}

LogicalResult BiasGradOp::verify() {
  RankedTensorType grad = getGrad().getType();
  if (failed(expectRank(*this, grad, 3, "grad [R, B, N]")) ||
      failed(expectStatic(*this, grad, "grad", 1)))
    return failure();
  return expectResult(*this, getResult().getType(), {grad.getDimSize(0), grad.getDimSize(2)});
}

LogicalResult SgdOp::verify() {
  return verifyPerRun(*this, getLr().getType(), getParam().getType(), "per-run lr [R]");
}

LogicalResult AdamOp::verify() {
  return verifyPerRun(*this, getLr().getType(), getParam().getType(), "per-run lr [R]");
}

#define GET_OP_CLASSES
#include "dialects/train/TrainOps.cpp.inc"
