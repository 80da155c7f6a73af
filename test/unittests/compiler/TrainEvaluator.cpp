//===- TrainEvaluator.cpp - runs train-dialect IR in double ---------------===//

#include "TrainEvaluator.h"

#include "dialects/train/TrainOps.h"
#include "runtime/interp/Kernels.h"

#include "runtime/rng/Streams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace sweep;
using namespace sweep::testing;
using namespace sweep::kernels;

namespace {
Activation toRuntime(train::ActivationKind kind) {
  switch (kind) {
  case train::ActivationKind::Relu:
    return Activation::Relu;
  case train::ActivationKind::Tanh:
    return Activation::Tanh;
  case train::ActivationKind::Sigmoid:
    return Activation::Sigmoid;
  case train::ActivationKind::Gelu:
    return Activation::Gelu;
  case train::ActivationKind::Identity:
    return Activation::Identity;
  }
  return Activation::Identity;
}

HostTensor zeros(std::vector<int64_t> shape) {
  HostTensor t;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  t.shape = std::move(shape);
  t.values.assign(size_t(n), 0.0);
  return t;
}
} // namespace

bool TrainEvaluator::run(func::FuncOp func, const std::vector<HostTensor> &arguments,
                         std::string &error) {
  values.clear();
  for (auto [arg, value] : llvm::zip(func.getArguments(), arguments))
    values[arg] = value;
  for (Operation &op : func.getBody().front()) {
    if (isa<train::SgdOp, train::AdamOp, func::ReturnOp>(op))
      return true;
    if (!evaluate(&op, error))
      return false;
  }
  return true;
}

bool TrainEvaluator::evaluate(Operation *op, std::string &error) {
  auto in = [&](Value v) -> const HostTensor & { return values.at(v); };
  if (auto dense = dyn_cast<train::DenseOp>(op)) {
    const HostTensor &x = in(dense.getInput()), &w = in(dense.getWeight()),
                     &b = in(dense.getBias());
    int64_t r = w.shape[0], k = w.shape[1], n = w.shape[2];
    bool shared = x.shape.size() == 2;
    int64_t batch = shared ? x.shape[0] : x.shape[1];
    HostTensor y = zeros({r, batch, n});
    for (int64_t i = 0; i < r; ++i)
      denseForward(x.values.data() + (shared ? 0 : i * batch * k), w.values.data() + i * k * n,
                   b.values.data() + i * n, y.values.data() + i * batch * n, batch, k, n);
    if (std::optional<train::ActivationKind> act = dense.getActivation())
      activationForward(toRuntime(*act), y.values.data(), y.values.data(),
                        int64_t(y.values.size()));
    values[dense.getResult()] = y;
    return true;
  }
  if (auto act = dyn_cast<train::ActivationOp>(op)) {
    HostTensor y = in(act.getInput());
    activationForward(toRuntime(act.getKind()), y.values.data(), y.values.data(),
                      int64_t(y.values.size()));
    values[act.getResult()] = y;
    return true;
  }
  if (auto grad = dyn_cast<train::ActivationGradOp>(op)) {
    const HostTensor &z = in(grad.getInput()), &dy = in(grad.getGrad());
    HostTensor y = z, dz = z;
    Activation kind = toRuntime(grad.getKind());
    activationForward(kind, z.values.data(), y.values.data(), int64_t(z.values.size()));
    activationBackward(kind, z.values.data(), y.values.data(), dy.values.data(), dz.values.data(),
                       int64_t(z.values.size()));
    values[grad.getResult()] = dz;
    return true;
  }
  if (auto grad = dyn_cast<train::ActivationOutputGradOp>(op)) {
    // The slope from the output: z = y gives the same slope for these kinds.
    const HostTensor &y = in(grad.getInput()), &dy = in(grad.getGrad());
    HostTensor dz = y;
    activationBackward(toRuntime(grad.getKind()), y.values.data(), y.values.data(),
                       dy.values.data(), dz.values.data(), int64_t(y.values.size()));
    values[grad.getResult()] = dz;
    return true;
  }
  if (auto dropout = dyn_cast<train::DropoutOp>(op)) {
    // A shared [B, N] input is read by every run of the [R, B, N] scale.
    const HostTensor &x = in(dropout.getInput()), &scale = in(dropout.getScale());
    HostTensor y = scale;
    size_t perRun = x.values.size();
    for (size_t i = 0; i < y.values.size(); ++i)
      y.values[i] = x.values[x.shape.size() == 2 ? i % perRun : i] * scale.values[i];
    values[dropout.getResult()] = y;
    return true;
  }
  if (isa<train::CrossEntropyOp, train::CrossEntropyGradOp, train::MseOp, train::MseGradOp>(op)) {
    const HostTensor &out = in(op->getOperand(0)), &target = in(op->getOperand(1));
    int64_t r = out.shape[0], batch = out.shape[1], width = out.shape[2];
    bool gradient = isa<train::CrossEntropyGradOp, train::MseGradOp>(op);
    HostTensor result = gradient ? zeros(out.shape) : zeros({r});
    for (int64_t i = 0; i < r; ++i) {
      const double *o = out.values.data() + i * batch * width;
      double *g = gradient ? result.values.data() + i * batch * width : nullptr;
      double total;
      if (isa<train::CrossEntropyOp, train::CrossEntropyGradOp>(op))
        total = crossEntropy(o, target.labels.data(), g, batch, width, nullptr);
      else
        total = meanSquaredError(o, target.labels.empty() ? target.values.data() : nullptr,
                                 target.labels.empty() ? nullptr : target.labels.data(), g, batch,
                                 width, nullptr);
      if (!gradient)
        result.values[size_t(i)] = total / double(batch);
    }
    values[op->getResult(0)] = result;
    return true;
  }
  if (auto grad = dyn_cast<train::DenseGradWeightOp>(op)) {
    const HostTensor &x = in(grad.getInput()), &dy = in(grad.getGrad());
    int64_t r = dy.shape[0], batch = dy.shape[1], n = dy.shape[2];
    bool shared = x.shape.size() == 2;
    int64_t k = x.shape.back();
    HostTensor dw = zeros({r, k, n});
    for (int64_t i = 0; i < r; ++i)
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t kk = 0; kk < k; ++kk)
          for (int64_t j = 0; j < n; ++j)
            dw.values[size_t((i * k + kk) * n + j)] +=
                x.values[size_t((shared ? 0 : i * batch * k) + b * k + kk)] *
                dy.values[size_t((i * batch + b) * n + j)];
    values[grad.getResult()] = dw;
    return true;
  }
  if (auto grad = dyn_cast<train::DenseGradInputOp>(op)) {
    const HostTensor &dy = in(grad.getGrad()), &w = in(grad.getWeight());
    int64_t r = dy.shape[0], batch = dy.shape[1], n = dy.shape[2], k = w.shape[1];
    HostTensor dx = zeros({r, batch, k});
    for (int64_t i = 0; i < r; ++i)
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t kk = 0; kk < k; ++kk)
          for (int64_t j = 0; j < n; ++j)
            dx.values[size_t((i * batch + b) * k + kk)] +=
                dy.values[size_t((i * batch + b) * n + j)] * w.values[size_t((i * k + kk) * n + j)];
    values[grad.getResult()] = dx;
    return true;
  }
  if (auto grad = dyn_cast<train::BiasGradOp>(op)) {
    const HostTensor &dy = in(grad.getGrad());
    int64_t r = dy.shape[0], batch = dy.shape[1], n = dy.shape[2];
    HostTensor db = zeros({r, n});
    for (int64_t i = 0; i < r; ++i)
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t j = 0; j < n; ++j)
          db.values[size_t(i * n + j)] += dy.values[size_t((i * batch + b) * n + j)];
    values[grad.getResult()] = db;
    return true;
  }
  if (auto add = dyn_cast<arith::AddFOp>(op)) {
    HostTensor sum = in(add.getLhs());
    const HostTensor &rhs = in(add.getRhs());
    for (size_t i = 0; i < sum.values.size(); ++i)
      sum.values[i] += rhs.values[i];
    values[add.getResult()] = sum;
    return true;
  }
  if (auto dim = dyn_cast<tensor::DimOp>(op)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!index) {
      error = "only tensor.dim of a constant dimension is supported";
      return false;
    }
    values[dim.getResult()] = HostTensor{{}, {double(in(dim.getSource()).shape[size_t(*index)])}, {}};
    return true;
  }
  if (auto mask = dyn_cast<train::DropoutMaskOp>(op)) {
    // The definition in runtime/rng/TrainingDraws.h, from the run's stream:
    // value [r, i, j] is draw (first_row + i) * N + j; its top 24 bits
    // below the run's threshold drop it. Integers are held in double.
    const HostTensor &seeds = in(mask.getSeeds()), &below = in(mask.getBelow()),
                     &keep = in(mask.getKeep()), &firstRow = in(mask.getFirstRow());
    int64_t runs = int64_t(seeds.values.size()), rows = int64_t(in(mask.getRows()).values[0]);
    int64_t width = mask.getResult().getType().getDimSize(2);
    HostTensor scale = zeros({runs, rows, width});
    for (int64_t r = 0; r < runs; ++r) {
      PhiloxStream stream(uint64_t(seeds.values[size_t(r)]),
                          stream::kDropout + uint64_t(mask.getLayer()));
      for (int64_t k = 0; k < rows * width; ++k) {
        uint64_t draw = uint64_t(firstRow.values[0]) * uint64_t(width) + uint64_t(k);
        uint32_t bits = stream.block(draw >> 2)[draw & 3];
        scale.values[size_t(r * rows * width + k)] =
            double(bits >> 8) < below.values[size_t(r)] ? 0.0 : keep.values[size_t(r)];
      }
    }
    values[mask.getResult()] = scale;
    return true;
  }
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    if (auto scalar = dyn_cast<IntegerAttr>(constant.getValue())) { // A dimension's index.
      values[constant.getResult()] = HostTensor{{}, {double(scalar.getInt())}, {}};
      return true;
    }
    auto attr = dyn_cast<SplatElementsAttr>(constant.getValue());
    auto type = dyn_cast<RankedTensorType>(constant.getType());
    if (!attr || !type) {
      error = "only splat tensor constants are supported";
      return false;
    }
    HostTensor t = zeros(std::vector<int64_t>(type.getShape().begin(), type.getShape().end()));
    std::fill(t.values.begin(), t.values.end(), double(attr.getSplatValue<float>()));
    values[constant.getResult()] = t;
    return true;
  }
  error = "the evaluator does not know " + op->getName().getStringRef().str();
  return false;
}
