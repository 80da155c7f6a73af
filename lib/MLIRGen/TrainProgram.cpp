//===- TrainProgram.cpp - one run group as train-dialect IR ---------------===//

#include "lib/MLIRGen/TrainProgram.h"

#include "dialects/train/TrainOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace sweep;

namespace {
train::ActivationKind activationKind(Activation activation) {
  switch (activation) {
  case Activation::Relu:
    return train::ActivationKind::Relu;
  case Activation::Tanh:
    return train::ActivationKind::Tanh;
  case Activation::Sigmoid:
    return train::ActivationKind::Sigmoid;
  case Activation::Gelu:
    return train::ActivationKind::Gelu;
  case Activation::Identity:
    return train::ActivationKind::Identity;
  }
  return train::ActivationKind::Identity;
}

class ProgramBuilder {
public:
  ProgramBuilder(MLIRContext &context, const GroupSpec &group, int64_t runs,
                 TrainProgramOptions options)
      : builder(&context), group(group), runs(runs), options(options),
        loc(builder.getUnknownLoc()) {}

  OwningOpRef<ModuleOp> build();

private:
  RankedTensorType tensor(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }
  /// Class labels [?] (i32), or regression targets [?, outputs].
  Type targetType() {
    if (group.classification)
      return RankedTensorType::get({ShapedType::kDynamic}, builder.getI32Type());
    return tensor({ShapedType::kDynamic, group.outputs});
  }
  std::vector<Type> paramTypes() {
    std::vector<Type> types;
    for (const LayerSpec &layer : group.layers)
      if (layer.kind == LayerSpec::Kind::Dense) {
        types.push_back(tensor({runs, layer.inputs, layer.outputs}));
        types.push_back(tensor({runs, layer.outputs}));
      }
    return types;
  }
  /// The layers on `x`; dropout takes its mask from `masks` when given and is
  /// skipped otherwise (evaluation).
  Value forward(Value x, ArrayRef<Value> params, ArrayRef<Value> masks);
  /// The per-run mean loss (what train.backward differentiates).
  Value loss(Value output, Value target);
  /// Each row's loss in f64, for reporting (the runtime sums them in double).
  Value lossRows(Value output, Value target);
  /// `rows` [R, ?] f64 as the function returns them: themselves, or summed
  /// per run (options.rowSums).
  Value reported(Value rows);
  /// The type reported() gives.
  Type reportedType();
  void buildTrainStep(ModuleOp module);
  void buildEvaluate(ModuleOp module);

  /// Where the ops of dense layer `dense` (counted from 1) and of the
  /// layers after it come from: energy-insert-probes groups by this name with
  /// `energy per_layer`, and train-autodiff's gradient ops inherit it.
  Location layerLoc(size_t dense) {
    return NameLoc::get(builder.getStringAttr("dense" + std::to_string(dense)));
  }
  Location lossLoc() { return NameLoc::get(builder.getStringAttr("loss")); }

  OpBuilder builder;
  const GroupSpec &group;
  int64_t runs;
  TrainProgramOptions options;
  Location loc;
};
} // namespace

Value ProgramBuilder::forward(Value x, ArrayRef<Value> params, ArrayRef<Value> masks) {
  Value value = x;
  size_t dense = 0, dropout = 0;
  for (const LayerSpec &layer : group.layers) {
    RankedTensorType type = tensor({runs, ShapedType::kDynamic, layer.outputs});
    switch (layer.kind) {
    case LayerSpec::Kind::Dense:
      ++dense;
      value = builder.create<train::DenseOp>(layerLoc(dense), type, value, params[2 * (dense - 1)],
                                             params[2 * dense - 1]);
      break;
    case LayerSpec::Kind::Activation:
      value = builder.create<train::ActivationOp>(layerLoc(dense), activationKind(layer.activation),
                                                  value);
      break;
    case LayerSpec::Kind::Dropout:
      if (!masks.empty())
        value = builder.create<train::DropoutOp>(layerLoc(dense), masks[dropout].getType(), value,
                                                 masks[dropout]);
      ++dropout;
      break;
    }
  }
  return value;
}

Value ProgramBuilder::lossRows(Value output, Value target) {
  auto type = RankedTensorType::get({runs, ShapedType::kDynamic}, builder.getF64Type());
  StringRef kind = group.loss == LossKind::CrossEntropy ? "cross_entropy" : "mse";
  return builder.create<train::LossRowsOp>(lossLoc(), type, kind, output, target);
}

Type ProgramBuilder::reportedType() {
  if (options.rowSums)
    return RankedTensorType::get({runs}, builder.getF64Type());
  return RankedTensorType::get({runs, ShapedType::kDynamic}, builder.getF64Type());
}

Value ProgramBuilder::reported(Value rows) {
  if (!options.rowSums)
    return rows;
  // sums[r] = 0 + rows[r, 0] + rows[r, 1] + ...: a reduction in row order.
  Location at = rows.getLoc();
  auto sumsType = cast<RankedTensorType>(reportedType());
  Value zero = builder.create<arith::ConstantOp>(at, builder.getF64FloatAttr(0.0));
  Value empty = builder.create<tensor::EmptyOp>(at, sumsType.getShape(), builder.getF64Type());
  Value init = builder.create<linalg::FillOp>(at, zero, empty).getResult(0);
  AffineExpr r = builder.getAffineDimExpr(0), b = builder.getAffineDimExpr(1);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {r, b}, builder.getContext()),
                                 AffineMap::get(2, 0, {r}, builder.getContext())};
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                utils::IteratorType::reduction};
  auto sum = builder.create<linalg::GenericOp>(
      at, sumsType, ValueRange{rows}, ValueRange{init}, maps, iterators,
      [](OpBuilder &nested, Location loc, ValueRange values) {
        Value total = nested.create<arith::AddFOp>(loc, values[1], values[0]);
        nested.create<linalg::YieldOp>(loc, total);
      });
  return sum.getResult(0);
}

Value ProgramBuilder::loss(Value output, Value target) {
  Type perRun = tensor({runs});
  if (group.loss == LossKind::CrossEntropy)
    return builder.create<train::CrossEntropyOp>(lossLoc(), perRun, output, target);
  return builder.create<train::MseOp>(lossLoc(), perRun, output, target);
}

void ProgramBuilder::buildTrainStep(ModuleOp module) {
  std::vector<Type> inputs = {tensor({ShapedType::kDynamic, group.inputs}), targetType()};
  std::vector<Type> params = paramTypes();
  int64_t slots = optimizerSlots(group.optimizer);
  size_t paramStart = inputs.size();
  inputs.insert(inputs.end(), params.begin(), params.end());
  size_t slotStart = inputs.size();
  for (Type type : params)
    for (int64_t s = 0; s < slots; ++s)
      inputs.push_back(type);
  // With dropout: each run's seed, the minibatch's first row in the dropout
  // streams (step * batch size), and per dropout layer each run's threshold
  // and keep scale (train.dropout_mask draws the masks).
  size_t drawStart = inputs.size();
  std::vector<const LayerSpec *> dropouts;
  std::vector<size_t> denseBefore; // Of each dropout layer, for its location.
  size_t denseSoFar = 0;
  for (const LayerSpec &layer : group.layers) {
    denseSoFar += layer.kind == LayerSpec::Kind::Dense;
    if (layer.kind == LayerSpec::Kind::Dropout) {
      dropouts.push_back(&layer);
      denseBefore.push_back(denseSoFar);
    }
  }
  if (!dropouts.empty()) {
    inputs.push_back(RankedTensorType::get({runs}, builder.getI64Type()));
    inputs.push_back(RankedTensorType::get({}, builder.getI64Type()));
    for (size_t d = 0; d < dropouts.size(); ++d) {
      inputs.push_back(RankedTensorType::get({runs}, builder.getI32Type()));
      inputs.push_back(tensor({runs}));
    }
  }
  size_t hyperStart = inputs.size();
  std::vector<const char *> hypers = trainStepHypers(group.optimizer);
  for (size_t h = 0; h < hypers.size(); ++h)
    inputs.push_back(tensor({runs}));

  std::vector<Type> results = {reportedType()};
  results.insert(results.end(), params.begin(), params.end());
  for (Type type : params)
    for (int64_t s = 0; s < slots; ++s)
      results.push_back(type);

  builder.setInsertionPointToEnd(module.getBody());
  auto func =
      builder.create<func::FuncOp>(loc, "train_step", builder.getFunctionType(inputs, results));
  func->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  auto args = body->getArguments();
  ArrayRef<BlockArgument> paramArgs = args.slice(paramStart, params.size());
  std::vector<Value> paramValues(paramArgs.begin(), paramArgs.end());
  std::vector<Value> masks;
  if (!dropouts.empty()) {
    Value rows = builder.create<tensor::DimOp>(layerLoc(denseBefore[0]), args[0], 0);
    Value seeds = args[drawStart], firstRow = args[drawStart + 1];
    for (size_t d = 0; d < dropouts.size(); ++d)
      masks.push_back(builder.create<train::DropoutMaskOp>(
          layerLoc(denseBefore[d]), tensor({runs, ShapedType::kDynamic, dropouts[d]->outputs}),
          seeds, args[drawStart + 2 + 2 * d], args[drawStart + 3 + 2 * d], firstRow, rows,
          builder.getI64IntegerAttr(int64_t(d))));
  }

  Value output = forward(args[0], paramValues, masks);
  Value lossValue = loss(output, args[1]);
  std::vector<Type> gradTypes(params.begin(), params.end());
  auto backward = builder.create<train::BackwardOp>(lossLoc(), gradTypes, lossValue, paramValues);

  std::vector<Value> newParams, newSlots;
  auto hyper = [&](size_t h) { return args[hyperStart + h]; };
  for (size_t p = 0; p < params.size(); ++p) {
    Value param = paramValues[p], grad = backward.getGradients()[p];
    Location update = layerLoc(p / 2 + 1); // Weights and bias of dense layer p / 2 + 1.
    if (group.optimizer == OptimizerKind::Sgd) {
      auto sgd =
          builder.create<train::SgdOp>(update, param.getType(), param.getType(), param, grad,
                                       args[slotStart + p], hyper(0), hyper(1), hyper(2), hyper(3));
      newParams.push_back(sgd.getNewParam());
      newSlots.push_back(sgd.getNewBuffer());
    } else {
      auto adam = builder.create<train::AdamOp>(update, param, grad, args[slotStart + 2 * p],
                                                args[slotStart + 2 * p + 1], hyper(0), hyper(1),
                                                hyper(2), hyper(3), hyper(4), hyper(5), hyper(6),
                                                group.optimizer == OptimizerKind::AdamW);
      newParams.push_back(adam.getNewParam());
      newSlots.push_back(adam.getNewM());
      newSlots.push_back(adam.getNewV());
    }
  }
  std::vector<Value> returned = {reported(lossRows(output, args[1]))};
  returned.insert(returned.end(), newParams.begin(), newParams.end());
  returned.insert(returned.end(), newSlots.begin(), newSlots.end());
  builder.create<func::ReturnOp>(loc, returned);
}

void ProgramBuilder::buildEvaluate(ModuleOp module) {
  std::vector<Type> inputs = {tensor({ShapedType::kDynamic, group.inputs}), targetType()};
  std::vector<Type> params = paramTypes();
  inputs.insert(inputs.end(), params.begin(), params.end());
  Type perRun = tensor({runs});
  auto rowsType = RankedTensorType::get({runs, ShapedType::kDynamic}, builder.getF64Type());
  builder.setInsertionPointToEnd(module.getBody());
  auto func = builder.create<func::FuncOp>(
      loc, "evaluate", builder.getFunctionType(inputs, {reportedType(), perRun, reportedType()}));
  func->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  auto args = body->getArguments();
  std::vector<Value> paramValues(args.begin() + 2, args.end());
  Value output = forward(args[0], paramValues, {});
  Value lossValue = lossRows(output, args[1]);
  Value correct, squared;
  if (group.classification)
    correct = builder.create<train::AccuracyOp>(lossLoc(), perRun, output, args[1]);
  else // Regression has no accuracy; the runtime does not read it.
    correct = builder.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(cast<RankedTensorType>(perRun), 0.0f));
  // The mse metric scores class probabilities for a cross-entropy classifier.
  Value prediction = group.loss == LossKind::CrossEntropy
                         ? builder.create<train::SoftmaxOp>(lossLoc(), output).getResult()
                         : output;
  squared = builder.create<train::LossRowsOp>(lossLoc(), rowsType, "mse", prediction, args[1]);
  builder.create<func::ReturnOp>(loc,
                                 ValueRange{reported(lossValue), correct, reported(squared)});
}

OwningOpRef<ModuleOp> ProgramBuilder::build() {
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  (*module)->setAttr("train.runs", builder.getI64IntegerAttr(runs));
  (*module)->setAttr("train.batch", builder.getI64IntegerAttr(group.batch));
  if (group.energyPerLayer)
    (*module)->setAttr("energy.per_layer", builder.getUnitAttr());
  buildTrainStep(*module);
  buildEvaluate(*module);
  return module;
}

OwningOpRef<ModuleOp> sweep::buildTrainProgram(MLIRContext &context, const GroupSpec &group,
                                               int64_t runs, TrainProgramOptions options) {
  context.loadDialect<train::TrainDialect, func::FuncDialect, arith::ArithDialect,
                      linalg::LinalgDialect, tensor::TensorDialect>();
  return ProgramBuilder(context, group, runs, options).build();
}
