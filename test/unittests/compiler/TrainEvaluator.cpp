//===- TrainEvaluator.cpp - runs train-dialect IR in double ---------------===//

#include "TrainEvaluator.h"

#include "dialects/train/TrainOps.h"
#include "runtime/interp/Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

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
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
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
