//===- SemaModel.cpp - model declarations ---------------------------------===//
//
// Checks a model's parameters and body: names, types, one input() outside any
// repeat, one return at the end, unused parameters and variables. Shapes depend
// on the structural arguments of each run group, so they are checked later,
// per group, by the planner (ModelShape.cpp).
//
//===----------------------------------------------------------------------===//

#include "lang/SemaInternal.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

using namespace sweep;

static llvm::StringRef describe(ModelType type) {
  switch (type) {
  case ModelType::Tensor: return "a tensor";
  case ModelType::Int: return "an integer";
  case ModelType::Float: return "a number";
  case ModelType::Bool: return "true or false";
  case ModelType::Activation: return "an activation";
  case ModelType::Error: return "an invalid value";
  }
  return "a value";
}

namespace {
/// Types one model body.
class ModelChecker {
public:
  ModelChecker(const ModelDecl &decl, SourceDiagnostics &diags,
               const llvm::StringMap<ModelType> &params)
      : decl(decl), diags(diags), params(params) {}

  /// `paramsOk` false: the parameters had errors, so skip the unused warnings.
  void check(bool paramsOk) {
    bool returned = checkBlock(decl.getBody(), /*topLevel=*/true);
    if (!returned && !hadError)
      diags.error(decl.getLoc(), "model '" + decl.getName() + "' does not return a value; end "
                                 "it with 'return x;'");
    if (inputs == 0 && !hadError)
      diags.error(decl.getLoc(), "model '" + decl.getName() + "' has no input(...)");
    if (hadError || !paramsOk)
      return;
    for (const ModelParam &param : decl.getParams())
      if (!usedParams.count(param.name.name))
        diags.warning(param.name.loc, "parameter '" + param.name.name + "' of model '" +
                                          decl.getName() + "' is never used");
    for (auto &var : variables)
      if (!var.second.used)
        diags.warning(var.second.loc, "'" + var.first + "' is assigned but never used");
  }

private:
  struct Variable {
    ModelType type;
    llvm::SMLoc loc;
    bool used = false;
    /// Assigned on every path to here (not only inside a repeat that may run 0 times).
    bool definite = true;
    /// Its type after a repeat depends on how often the repeat ran.
    bool ambiguous = false;
  };
  using TypeState = std::vector<std::pair<llvm::StringRef, ModelType>>;

  void error(llvm::SMLoc loc, const llvm::Twine &message) {
    diags.error(loc, message);
    hadError = true;
  }

  TypeState typeState() const {
    TypeState state;
    for (const auto &var : variables)
      state.push_back({var.first, var.second.type});
    return state;
  }

  /// Returns whether the block ended in a return.
  bool checkBlock(llvm::ArrayRef<StmtPtr> body, bool topLevel) {
    bool returned = false;
    for (const StmtPtr &stmt : body) {
      if (hadError)
        return returned;
      if (returned) {
        error(stmt->getLoc(), "statement after 'return' is never reached");
        return true;
      }
      if (auto *assign = llvm::dyn_cast<AssignStmt>(stmt.get())) {
        checkAssign(*assign);
        continue;
      }
      if (auto *repeat = llvm::dyn_cast<RepeatStmt>(stmt.get())) {
        checkRepeat(*repeat);
        continue;
      }
      auto *ret = llvm::cast<ReturnStmt>(stmt.get());
      if (!topLevel) {
        error(ret->getLoc(), "'return' inside 'repeat'; return after the loop");
        continue;
      }
      ModelType type = typeOf(ret->getValue());
      if (type != ModelType::Tensor && type != ModelType::Error)
        error(ret->getValue()->getLoc(), "a model must return a tensor, got " + describe(type));
      returned = true;
    }
    return returned;
  }

  void checkAssign(const AssignStmt &assign) {
    ModelType type = typeOf(assign.getValue());
    if (params.count(assign.getName())) {
      error(assign.getLoc(), "cannot assign to parameter '" + assign.getName() + "'");
      return;
    }
    if (isBuiltinName(assign.getName())) {
      error(assign.getLoc(), "'" + assign.getName() + "' names a layer; choose another name");
      return;
    }
    auto [it, inserted] = variables.insert({assign.getName(), {type, assign.getLoc()}});
    it->second.type = type;
    it->second.definite = true;
    it->second.ambiguous = false;
  }

  /// Checks a repeat body as often as it takes for the variables' types at its
  /// start to repeat: iteration 2 may see types that iteration 1 assigned.
  void checkRepeat(const RepeatStmt &repeat) {
    ModelType count = typeOf(repeat.getCount());
    if (count != ModelType::Int && count != ModelType::Error) {
      error(repeat.getCount()->getLoc(),
            "repeat count must be an integer, got " + describe(count));
      return;
    }
    llvm::StringMap<bool> definiteBefore;
    for (const auto &var : variables)
      definiteBefore[var.first] = var.second.definite;
    TypeState before = typeState();
    std::vector<TypeState> seen = {before};
    ++repeatDepth;
    for (int pass = 0; pass < 8 && !hadError; ++pass) {
      checkBlock(repeat.getBody(), /*topLevel=*/false);
      TypeState after = typeState();
      if (llvm::is_contained(seen, after))
        break;
      seen.push_back(std::move(after));
    }
    --repeatDepth;
    // After the loop: a variable first assigned inside may be unassigned (zero
    // iterations), and one whose type changed has a type that depends on the count.
    for (auto &var : variables) {
      auto it = definiteBefore.find(var.first);
      var.second.definite = it != definiteBefore.end() && it->second;
      for (const TypeState &state : seen)
        for (const auto &[name, type] : state)
          if (name == var.first && type != var.second.type)
            var.second.ambiguous = true;
    }
  }

  static bool isBuiltinName(llvm::StringRef name) {
    return name == "input" || name == "dense" || name == "dropout" || isActivation(name);
  }

  ModelType expect(const Expr *expr, ModelType wanted, llvm::StringRef what) {
    ModelType type = typeOf(expr);
    if (type == ModelType::Error)
      return type;
    bool ok = type == wanted || (wanted == ModelType::Float && type == ModelType::Int);
    if (!ok) {
      error(expr->getLoc(), what + " must be " + describe(wanted) + ", got " + describe(type));
      return ModelType::Error;
    }
    return type;
  }

  ModelType typeOf(const Expr *expr) {
    switch (expr->getKind()) {
    case Expr::Kind::Integer: return ModelType::Int;
    case Expr::Kind::Float: return ModelType::Float;
    case Expr::Kind::Bool: return ModelType::Bool;
    case Expr::Kind::String:
      error(expr->getLoc(), "strings have no meaning in a model");
      return ModelType::Error;
    case Expr::Kind::List:
    case Expr::Kind::Range:
      error(expr->getLoc(), "lists and ranges belong in a sweep ('name in [...]'), not in a "
                            "model");
      return ModelType::Error;
    case Expr::Kind::Name: return typeOfName(llvm::cast<NameExpr>(expr));
    case Expr::Kind::Call: return typeOfCall(llvm::cast<CallExpr>(expr));
    case Expr::Kind::Unary: {
      auto *unary = llvm::cast<UnaryExpr>(expr);
      if (unary->getOp() == UnaryExpr::Op::Not) {
        error(expr->getLoc(), "conditions are not supported in a model");
        return ModelType::Error;
      }
      ModelType operand = typeOf(unary->getOperand());
      if (operand == ModelType::Int || operand == ModelType::Float || operand == ModelType::Error)
        return operand;
      error(expr->getLoc(), "'-' needs a number, got " + describe(operand));
      return ModelType::Error;
    }
    case Expr::Kind::Binary: {
      auto *binary = llvm::cast<BinaryExpr>(expr);
      if (BinaryExpr::isComparison(binary->getOp()) || BinaryExpr::isLogical(binary->getOp())) {
        error(expr->getLoc(), "conditions are not supported in a model");
        return ModelType::Error;
      }
      ModelType lhs = typeOf(binary->getLhs());
      ModelType rhs = typeOf(binary->getRhs());
      if (lhs == ModelType::Error || rhs == ModelType::Error)
        return ModelType::Error;
      if (lhs == ModelType::Tensor || rhs == ModelType::Tensor) {
        error(expr->getLoc(), "arithmetic on tensors is not supported; '" +
                                  BinaryExpr::getSpelling(binary->getOp()) +
                                  "' works on integers and numbers");
        return ModelType::Error;
      }
      auto numeric = [](ModelType t) { return t == ModelType::Int || t == ModelType::Float; };
      if (!numeric(lhs) || !numeric(rhs)) {
        error(expr->getLoc(), "'" + BinaryExpr::getSpelling(binary->getOp()) +
                                  "' needs numbers, got " + describe(numeric(lhs) ? rhs : lhs));
        return ModelType::Error;
      }
      if (lhs == ModelType::Int && rhs == ModelType::Int)
        return ModelType::Int;
      return ModelType::Float;
    }
    }
    return ModelType::Error;
  }

  ModelType typeOfName(const NameExpr *name) {
    auto var = variables.find(name->getName());
    if (var != variables.end()) {
      var->second.used = true;
      if (!var->second.definite) {
        error(name->getLoc(), "'" + name->getName() + "' may be unassigned here: it is only "
                              "assigned inside 'repeat', which may run zero times");
        return ModelType::Error;
      }
      if (var->second.ambiguous) {
        error(name->getLoc(), "the type of '" + name->getName() +
                                  "' here depends on how often 'repeat' runs");
        return ModelType::Error;
      }
      return var->second.type;
    }
    auto param = params.find(name->getName());
    if (param != params.end()) {
      usedParams.insert(name->getName());
      return param->second;
    }
    if (isActivation(name->getName()))
      return ModelType::Activation;
    auto diag = diags.error(name->getLoc(), "unknown name '" + name->getName() + "'");
    hadError = true;
    std::vector<llvm::StringRef> candidates;
    for (auto &v : variables)
      candidates.push_back(v.first);
    for (auto &p : params)
      candidates.push_back(p.getKey());
    SourceDiagnostics::suggest(diag, name->getName(), candidates);
    return ModelType::Error;
  }

  ModelType typeOfCall(const CallExpr *call) {
    llvm::StringRef callee = call->getCallee();
    for (const Setting &arg : call->getArgs()) {
      if (!arg.name.empty()) {
        error(arg.nameLoc, "layer arguments are positional: write '" + callee + "(x, ...)'");
        return ModelType::Error;
      }
    }
    auto arity = [&](size_t n, llvm::StringRef signature) {
      if (call->getArgs().size() == n)
        return true;
      error(call->getLoc(), "'" + callee + "' takes " + std::to_string(n) + " argument" +
                                (n == 1 ? "" : "s") + ": " + signature);
      return false;
    };
    auto arg = [&](size_t i) { return call->getArgs()[i].value.get(); };

    if (callee == "input") {
      if (!arity(1, "input(features)"))
        return ModelType::Error;
      if (repeatDepth > 0) {
        error(call->getLoc(), "input(...) inside 'repeat'; a model has one input");
        return ModelType::Error;
      }
      if (++inputs > 1) {
        error(call->getLoc(), "a model has one input(...)");
        return ModelType::Error;
      }
      if (expect(arg(0), ModelType::Int, "the input size") == ModelType::Error)
        return ModelType::Error;
      return ModelType::Tensor;
    }
    if (callee == "dense") {
      if (!arity(2, "dense(x, units)"))
        return ModelType::Error;
      if (expect(arg(0), ModelType::Tensor, "dense's input") == ModelType::Error ||
          expect(arg(1), ModelType::Int, "dense's units") == ModelType::Error)
        return ModelType::Error;
      return ModelType::Tensor;
    }
    if (callee == "dropout") {
      if (!arity(2, "dropout(x, p)"))
        return ModelType::Error;
      if (expect(arg(0), ModelType::Tensor, "dropout's input") == ModelType::Error ||
          expect(arg(1), ModelType::Float, "dropout's probability") == ModelType::Error)
        return ModelType::Error;
      return ModelType::Tensor;
    }
    bool isActivationParam = false;
    auto param = params.find(callee);
    if (param != params.end() && param->second == ModelType::Activation) {
      usedParams.insert(callee);
      isActivationParam = true;
    }
    if (isActivation(callee) || isActivationParam) {
      if (!arity(1, (callee + "(x)").str()))
        return ModelType::Error;
      if (expect(arg(0), ModelType::Tensor, "an activation's input") == ModelType::Error)
        return ModelType::Error;
      return ModelType::Tensor;
    }
    if (param != params.end()) {
      error(call->getLoc(), "parameter '" + callee + "' is " + describe(param->second) +
                                ", not an activation; only activations can be called");
      return ModelType::Error;
    }
    if (variables.count(callee)) {
      // `a = relu; a(x)` type-checks up to the call: say why it stops there.
      error(call->getLoc(), "'" + callee + "' is a variable, and variables cannot be called; "
                            "call the activation itself (relu(x)) or make '" + callee +
                            "' an activation parameter of the model");
      return ModelType::Error;
    }
    auto diag = diags.error(call->getLoc(), "unknown layer '" + callee + "'");
    hadError = true;
    std::vector<llvm::StringRef> candidates = {"input", "dense", "dropout"};
    for (llvm::StringRef act : getActivationNames())
      candidates.push_back(act);
    for (auto &p : params)
      if (p.second == ModelType::Activation)
        candidates.push_back(p.getKey());
    SourceDiagnostics::suggest(diag, callee, candidates);
    return ModelType::Error;
  }

  const ModelDecl &decl;
  SourceDiagnostics &diags;
  const llvm::StringMap<ModelType> &params;
  llvm::MapVector<llvm::StringRef, Variable> variables;
  llvm::StringSet<> usedParams;
  unsigned repeatDepth = 0;
  unsigned inputs = 0;
  bool hadError = false;
};
/// The first name in `expr` that is one of the model's parameters, if any.
const NameExpr *findParamUse(const Expr *expr, const ModelDecl &decl) {
  if (!expr)
    return nullptr;
  switch (expr->getKind()) {
  case Expr::Kind::Name: {
    const auto *name = llvm::cast<NameExpr>(expr);
    for (const ModelParam &param : decl.getParams())
      if (param.name.name == name->getName())
        return name;
    return nullptr;
  }
  case Expr::Kind::Unary:
    return findParamUse(llvm::cast<UnaryExpr>(expr)->getOperand(), decl);
  case Expr::Kind::Binary: {
    const auto *binary = llvm::cast<BinaryExpr>(expr);
    if (const NameExpr *use = findParamUse(binary->getLhs(), decl))
      return use;
    return findParamUse(binary->getRhs(), decl);
  }
  case Expr::Kind::Call:
    for (const Setting &arg : llvm::cast<CallExpr>(expr)->getArgs())
      if (const NameExpr *use = findParamUse(arg.value.get(), decl))
        return use;
    return nullptr;
  case Expr::Kind::List:
    for (const ExprPtr &element : llvm::cast<ListExpr>(expr)->getElements())
      if (const NameExpr *use = findParamUse(element.get(), decl))
        return use;
    return nullptr;
  case Expr::Kind::Range: {
    const auto *range = llvm::cast<RangeExpr>(expr);
    for (const Expr *part : {range->getLo(), range->getHi(), range->getStep()})
      if (const NameExpr *use = findParamUse(part, decl))
        return use;
    return nullptr;
  }
  default:
    return nullptr;
  }
}
} // namespace

bool Sema::checkModelParams(const ModelDecl &decl, KindSpec &kind,
                            llvm::StringMap<ModelType> &paramTypes) {
  static const llvm::StringRef typeNames[] = {"int", "float", "activation"};
  bool ok = true;
  AxisEvaluator constants(diags, strings);
  for (const ModelParam &param : decl.getParams()) {
    ParamSpec spec;
    spec.name = param.name.name;
    spec.help = "model parameter";
    ModelType type;
    if (param.type.name == "int") {
      spec.type = ParamType::integer(-1e300, 1e300);
      spec.structural = true;
      type = ModelType::Int;
    } else if (param.type.name == "float") {
      spec.type = ParamType::number(-1e300, 1e300);
      type = ModelType::Float;
    } else if (param.type.name == "activation") {
      spec.type = ParamType::symbol(
          std::vector<llvm::StringRef>(getActivationNames().begin(), getActivationNames().end()));
      spec.structural = true;
      type = ModelType::Activation;
    } else {
      auto diag = diags.error(param.type.loc, "unknown parameter type '" + param.type.name + "'");
      SourceDiagnostics::suggest(diag, param.type.name, typeNames);
      // Keep the name known, so that its uses do not report it again.
      paramTypes.try_emplace(spec.name, ModelType::Error);
      ok = false;
      continue;
    }
    if (spec.name == "input" || spec.name == "dense" || spec.name == "dropout" ||
        isActivation(spec.name)) {
      diags.error(param.name.loc, "'" + spec.name + "' names a layer; choose another name");
      paramTypes.try_emplace(spec.name, ModelType::Error);
      ok = false;
      continue;
    }
    if (!paramTypes.try_emplace(spec.name, type).second) {
      diags.error(param.name.loc, "parameter '" + spec.name + "' is declared twice");
      ok = false;
      continue;
    }
    if (param.defaultValue) {
      // Defaults are evaluated once, for the kind, not per run: a parameter
      // in one would otherwise read as a symbol ("must be an integer, got a").
      if (const NameExpr *use = findParamUse(param.defaultValue.get(), decl)) {
        diags.error(use->getLoc(), "the default of '" + spec.name +
                                       "' must be a constant; it cannot use parameter '" +
                                       use->getName() + "'");
        ok = false;
        continue;
      }
      std::optional<Value> value = constants.evaluateConstant(param.defaultValue.get());
      if (value)
        value = coerce(*value, spec.type, param.defaultValue->getLoc(), spec.name);
      if (!value) {
        ok = false;
        continue;
      }
      spec.defaultValue = *value;
    } else {
      spec.required = true;
    }
    kind.params.push_back(std::move(spec));
  }
  return ok;
}

void Sema::checkModelDecl(const ModelDecl &decl) {
  if (decls.lookup(decl.getName()) != &decl)
    return; // A redefinition, already reported.
  KindSpec kind;
  kind.name = decl.getName();
  kind.help = "model";
  llvm::StringMap<ModelType> paramTypes;
  unsigned errorsBefore = diags.getErrorCount();
  bool ok = checkModelParams(decl, kind, paramTypes);
  ModelChecker(decl, diags, paramTypes).check(ok);
  if (ok && diags.getErrorCount() == errorsBefore)
    modelKinds.try_emplace(decl.getName(), std::move(kind));
}
