//===- ModelShape.cpp - a model's layers for given arguments --------------===//

#include "lang/ModelShape.h"

#include "lang/Arithmetic.h"
#include "lang/Builtins.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace sweep;

int64_t ModelShape::getParameterCount() const {
  int64_t count = 0;
  for (const Layer &layer : layers)
    if (layer.kind == Layer::Kind::Dense)
      count += layer.inputs * layer.outputs + layer.outputs;
  return count;
}

int64_t ModelShape::getMultiplyAdds() const {
  int64_t count = 0;
  for (const Layer &layer : layers)
    if (layer.kind == Layer::Kind::Dense)
      count += layer.inputs * layer.outputs;
  return count;
}

int64_t ModelShape::getActivationCount() const {
  int64_t count = 0;
  for (const Layer &layer : layers)
    count += layer.outputs;
  return count;
}

std::string ModelShape::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << inputs;
  for (const Layer &layer : layers) {
    os << " -> ";
    switch (layer.kind) {
    case Layer::Kind::Dense: os << "dense " << layer.outputs; break;
    case Layer::Kind::Activation: os << layer.activation; break;
    // The probability may be a per-run number, so the shape shows only the layer.
    case Layer::Kind::Dropout: os << "dropout"; break;
    }
  }
  return os.str();
}

namespace {
/// A value while interpreting: a number, an activation name or a tensor.
struct ModelValue {
  enum class Kind { Int, Float, Bool, Activation, Tensor } kind = Kind::Int;
  int64_t i = 0; // Int, Bool, or a Tensor's width.
  double f = 0;
  llvm::StringRef activation;
  /// A Tensor's producer: 0 for the input, else the layer node (1-based).
  size_t node = 0;
};

/// A layer as evaluated, with the node of the tensor it took and the size of
/// the chain from the input to its output.
struct LayerNode {
  Layer layer;
  size_t input = 0;
  llvm::SMLoc loc;
  int64_t depth = 0;       // Layers.
  double parameters = 0;   // Of its dense layers.
};

class Interpreter {
public:
  Interpreter(const ModelDecl &model, llvm::function_ref<Value(llvm::StringRef)> argument,
              SourceDiagnostics &diags,
              llvm::function_ref<void(mlir::InFlightDiagnostic &)> addContext,
              ModelShape &shape, int64_t *sweepSteps)
      : model(model), argument(argument), diags(diags), addContext(addContext), shape(shape),
        sweepSteps(sweepSteps) {}

  bool run() {
    for (const ModelParam &param : model.getParams()) {
      Value value = argument(param.name.name);
      ModelValue v;
      switch (value.kind) {
      case Value::Kind::Int: v.kind = ModelValue::Kind::Int; v.i = value.i; break;
      case Value::Kind::Float: v.kind = ModelValue::Kind::Float; v.f = value.f; break;
      case Value::Kind::Bool: v.kind = ModelValue::Kind::Bool; v.i = value.i; break;
      default: v.kind = ModelValue::Kind::Activation; v.activation = value.s; break;
      }
      env[param.name.name] = v;
    }
    return runBlock(model.getBody());
  }

private:
  bool fail(llvm::SMLoc loc, const llvm::Twine &message) {
    auto diag = diags.error(loc, message);
    addContext(diag);
    return false;
  }

  /// Counts a statement against the model's limit and the sweep's.
  bool step(llvm::SMLoc loc) {
    if (++steps > kMaxSteps)
      return fail(loc, "model '" + model.getName() + "' runs more than " +
                           std::to_string(kMaxSteps) + " statements");
    // Regression: the model's limit held per group, and a million groups of
    // a 500,000-statement model kept `check` busy for hours.
    if (sweepSteps && --*sweepSteps < 0)
      return fail(loc, "the sweep's models run more than " +
                           std::to_string(kMaxSweepModelSteps) +
                           " statements over its run groups (each group runs its model once): "
                           "fewer groups (values of settings that shape the model) or a shorter "
                           "model");
    return true;
  }

  bool runBlock(llvm::ArrayRef<StmtPtr> body) {
    for (const StmtPtr &stmt : body) {
      // A repeat of statements that add no layer could otherwise spin for hours.
      if (!step(stmt->getLoc()))
        return false;
      if (auto *assign = llvm::dyn_cast<AssignStmt>(stmt.get())) {
        std::optional<ModelValue> value = eval(assign->getValue());
        if (!value)
          return false;
        env[assign->getName()] = *value;
      } else if (auto *repeat = llvm::dyn_cast<RepeatStmt>(stmt.get())) {
        std::optional<ModelValue> count = eval(repeat->getCount());
        if (!count)
          return false;
        if (count->i < 0)
          return fail(repeat->getCount()->getLoc(),
                      "repeat count must be >= 0, got " + std::to_string(count->i));
        for (int64_t k = 0; k < count->i; ++k) {
          // Count iterations too: an empty body adds no statement but still loops.
          if (!step(repeat->getLoc()))
            return false;
          if (!runBlock(repeat->getBody()))
            return false;
        }
      } else {
        std::optional<ModelValue> value = eval(llvm::cast<ReturnStmt>(stmt.get())->getValue());
        if (!value)
          return false;
        shape.outputs = value->i;
        return buildChain(value->node);
      }
    }
    return true;
  }

  /// Records a layer taking `input`'s tensor; `tensor` becomes its output.
  /// The bounds apply to the chain that ends in it, checked at once so that
  /// a runaway `repeat` stops at the first layer too many.
  bool addLayer(llvm::SMLoc loc, Layer layer, const ModelValue &input, ModelValue &tensor) {
    LayerNode node{layer, input.node, loc};
    const LayerNode *previous = input.node ? &nodes[input.node - 1] : nullptr;
    node.depth = (previous ? previous->depth : 0) + 1;
    node.parameters = previous ? previous->parameters : 0;
    if (node.depth > kMaxModelLayers)
      return fail(loc, "model '" + model.getName() + "' has more than " +
                           std::to_string(kMaxModelLayers) +
                           " layers, the most sweepc compiles (compile time grows faster "
                           "than the depth; docs/language.md)");
    // Bounding the parameter count keeps every count and product in int64.
    if (layer.kind == Layer::Kind::Dense) {
      node.parameters += double(layer.inputs) * double(layer.outputs) + double(layer.outputs);
      if (node.parameters > double(kMaxModelParameters))
        return fail(loc, "model '" + model.getName() + "' has more than " +
                             std::to_string(kMaxModelParameters) + " parameters per run");
    }
    // Layers are evaluated once per call and iteration; the statement bound
    // bounds them unless expressions nest calls, which this bounds.
    if (int64_t(nodes.size()) >= kMaxSteps)
      return fail(loc, "model '" + model.getName() + "' evaluates more than " +
                           std::to_string(kMaxSteps) + " layers");
    nodes.push_back(node);
    tensor.node = nodes.size();
    return true;
  }

  /// The layers the returned tensor (`node`) is computed from, input first,
  /// into shape.layers; the others into shape.unusedLayers.
  bool buildChain(size_t node) {
    std::vector<bool> used(nodes.size() + 1, false);
    std::vector<size_t> chain;
    for (size_t n = node; n != 0; n = nodes[n - 1].input) {
      used[n] = true;
      chain.push_back(n);
    }
    std::reverse(chain.begin(), chain.end());
    for (size_t n : chain)
      shape.layers.push_back(nodes[n - 1].layer);
    // Per call site, in source order: how many of its evaluations are unused.
    std::map<const char *, ModelShape::UnusedLayer> bySite;
    for (size_t n = 1; n <= nodes.size(); ++n) {
      ModelShape::UnusedLayer &site = bySite[nodes[n - 1].loc.getPointer()];
      site.loc = nodes[n - 1].loc;
      ++site.evaluations;
      site.unused += !used[n];
    }
    for (auto &[pointer, site] : bySite)
      if (site.unused)
        shape.unusedLayers.push_back(site);
    return true;
  }

  /// Sema guarantees the types; this guards the interpreter should the two ever disagree.
  bool isTensor(const ModelValue &value, llvm::SMLoc loc) {
    if (value.kind == ModelValue::Kind::Tensor)
      return true;
    fail(loc, "internal error: expected a tensor here");
    return false;
  }

  std::optional<ModelValue> eval(const Expr *expr) {
    switch (expr->getKind()) {
    case Expr::Kind::Integer: {
      ModelValue v;
      v.i = llvm::cast<IntegerExpr>(expr)->getValue();
      return v;
    }
    case Expr::Kind::Float: {
      ModelValue v;
      v.kind = ModelValue::Kind::Float;
      v.f = llvm::cast<FloatExpr>(expr)->getValue();
      return v;
    }
    case Expr::Kind::Bool: {
      ModelValue v;
      v.kind = ModelValue::Kind::Bool;
      v.i = llvm::cast<BoolExpr>(expr)->getValue();
      return v;
    }
    case Expr::Kind::Name: {
      llvm::StringRef name = llvm::cast<NameExpr>(expr)->getName();
      auto it = env.find(name);
      if (it != env.end())
        return it->second;
      ModelValue v;
      v.kind = ModelValue::Kind::Activation;
      v.activation = name; // Sema has checked that it is an activation.
      return v;
    }
    case Expr::Kind::Unary: {
      std::optional<ModelValue> operand = eval(llvm::cast<UnaryExpr>(expr)->getOperand());
      if (!operand)
        return std::nullopt;
      if (operand->kind == ModelValue::Kind::Float) {
        operand->f = -operand->f;
      } else {
        if (operand->i == INT64_MIN) {
          fail(expr->getLoc(), "integer overflow");
          return std::nullopt;
        }
        operand->i = -operand->i;
      }
      return operand;
    }
    case Expr::Kind::Binary: return evalBinary(llvm::cast<BinaryExpr>(expr));
    case Expr::Kind::Call: return evalCall(llvm::cast<CallExpr>(expr));
    default:
      return std::nullopt; // Sema rejects every other form in a model.
    }
  }

  std::optional<ModelValue> evalBinary(const BinaryExpr *binary) {
    std::optional<ModelValue> lhs = eval(binary->getLhs());
    if (!lhs)
      return std::nullopt;
    std::optional<ModelValue> rhs = eval(binary->getRhs());
    if (!rhs)
      return std::nullopt;
    BinaryExpr::Op op = binary->getOp();
    ModelValue result;
    if (lhs->kind == ModelValue::Kind::Int && rhs->kind == ModelValue::Kind::Int) {
      ArithmeticError error = applyIntegerOp(op, lhs->i, rhs->i, result.i);
      if (error != ArithmeticError::None) {
        fail(binary->getLoc(), describe(error));
        return std::nullopt;
      }
      return result;
    }
    auto asDouble = [](const ModelValue &v) {
      return v.kind == ModelValue::Kind::Float ? v.f : double(v.i);
    };
    result.kind = ModelValue::Kind::Float;
    result.f = applyFloatOp(op, asDouble(*lhs), asDouble(*rhs));
    return result;
  }

  std::optional<ModelValue> evalCall(const CallExpr *call) {
    llvm::StringRef callee = call->getCallee();
    std::vector<ModelValue> args;
    for (const Setting &arg : call->getArgs()) {
      std::optional<ModelValue> value = eval(arg.value.get());
      if (!value)
        return std::nullopt;
      args.push_back(*value);
    }
    auto argLoc = [&](size_t i) { return call->getArgs()[i].value->getLoc(); };
    ModelValue tensor;
    tensor.kind = ModelValue::Kind::Tensor;
    if (callee == "input") {
      if (args[0].i < 1 || args[0].i > kMaxLayerWidth) {
        fail(argLoc(0), "input size must be in [1, " + std::to_string(kMaxLayerWidth) +
                            "], got " + std::to_string(args[0].i));
        return std::nullopt;
      }
      shape.inputs = tensor.i = args[0].i;
      return tensor;
    }
    if (callee != "input" && !isTensor(args[0], argLoc(0)))
      return std::nullopt;
    if (callee == "dense") {
      int64_t units = args[1].i;
      if (units < 1 || units > kMaxLayerWidth) {
        fail(argLoc(1), "dense units must be in [1, " + std::to_string(kMaxLayerWidth) +
                            "], got " + std::to_string(units));
        return std::nullopt;
      }
      Layer layer;
      layer.kind = Layer::Kind::Dense;
      layer.inputs = args[0].i;
      layer.outputs = tensor.i = units;
      if (!addLayer(call->getLoc(), layer, args[0], tensor))
        return std::nullopt;
      return tensor;
    }
    if (callee == "dropout") {
      double p = args[1].kind == ModelValue::Kind::Float ? args[1].f : double(args[1].i);
      if (!(p >= 0 && p < 1)) {
        fail(argLoc(1), "dropout probability must be in [0, 1), got " + formatShortest(p));
        return std::nullopt;
      }
      Layer layer;
      layer.kind = Layer::Kind::Dropout;
      layer.inputs = layer.outputs = tensor.i = args[0].i;
      layer.probability = p;
      if (!addLayer(call->getLoc(), layer, args[0], tensor))
        return std::nullopt;
      return tensor;
    }
    // An activation, by name or through an activation parameter.
    Layer layer;
    layer.kind = Layer::Kind::Activation;
    auto it = env.find(callee);
    layer.activation = it != env.end() ? it->second.activation : callee;
    layer.inputs = layer.outputs = tensor.i = args[0].i;
    if (!addLayer(call->getLoc(), layer, args[0], tensor))
      return std::nullopt;
    return tensor;
  }

  const ModelDecl &model;
  llvm::function_ref<Value(llvm::StringRef)> argument;
  SourceDiagnostics &diags;
  llvm::function_ref<void(mlir::InFlightDiagnostic &)> addContext;
  ModelShape &shape;
  llvm::StringMap<ModelValue> env;
  static constexpr int64_t kMaxSteps = kMaxModelSteps;
  int64_t steps = 0;
  int64_t *sweepSteps;
  std::vector<LayerNode> nodes; // Every layer evaluated, in order.
};
} // namespace

bool sweep::inferModelShape(const ModelDecl &model,
                            llvm::function_ref<Value(llvm::StringRef)> argument,
                            SourceDiagnostics &diags,
                            llvm::function_ref<void(mlir::InFlightDiagnostic &)> addContext,
                            ModelShape &shape, int64_t *sweepSteps) {
  shape = ModelShape();
  return Interpreter(model, argument, diags, addContext, shape, sweepSteps).run();
}
