//===- SemaSweep.cpp - sweep settings, axes, choices, zip and report ------===//

#include "lang/SemaInternal.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cmath>
#include <set>

using namespace sweep;

const SettingEntry *ConfigNode::lookup(llvm::StringRef name) const {
  for (const SettingEntry &entry : settings)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

static ValueType valueTypeOf(const ParamType &type) {
  switch (type.kind) {
  case ParamType::Kind::Int:
  case ParamType::Kind::Float:
  case ParamType::Kind::CountOrFraction:
    return ValueType::Number;
  case ParamType::Kind::Bool:
    return ValueType::Bool;
  case ParamType::Kind::String:
  case ParamType::Kind::IntOrString:
    return ValueType::String;
  case ParamType::Kind::Symbol:
  case ParamType::Kind::Config:
    return ValueType::Symbol;
  }
  return ValueType::Number;
}

/// The random stream of an axis: a stable hash of its path, so that two axes
/// with one seed draw independent values, on every machine and every run.
/// (llvm::hash_value may be seeded per process; FNV-1a is not.)
static uint64_t streamOf(llvm::StringRef path) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : path) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string Sema::streamKey(const std::string &path) const {
  // The kinds of the enclosing configurations tell apart `lr` of sgd and `lr`
  // of adam in `optimizer in [sgd(lr in ...), adam(lr in ...)]`.
  std::string key = path;
  for (llvm::StringRef kind : enclosingKinds)
    key += "@" + kind.str();
  return key;
}

int Sema::internPath(const std::string &path, const ParamSpec &paramSpec) {
  auto [it, inserted] = spec->pathIds.try_emplace(path, int(spec->paths.size()));
  if (inserted) {
    PathInfo info;
    info.path = path;
    info.type = valueTypeOf(paramSpec.type);
    info.structural = paramSpec.structural;
    spec->paths.push_back(std::move(info));
    return it->second;
  }
  // The same path in another alternative, say `w` of two models. If either use
  // shapes the program, grouping must treat the path as structural: at worst a
  // numeric use then splits groups it need not split, never the reverse.
  PathInfo &info = spec->paths[it->second];
  info.structural |= paramSpec.structural;
  if (info.type != valueTypeOf(paramSpec.type))
    info.mixedTypes = true;
  return it->second;
}

std::optional<Value> Sema::coerce(const Value &value, const ParamType &type, llvm::SMLoc loc,
                                  llvm::StringRef name) {
  auto mismatch = [&]() -> std::optional<Value> {
    diags.error(loc, "'" + name + "' must be " + type.describe() + ", got " + value.str());
    return std::nullopt;
  };
  auto outOfRange = [&]() -> std::optional<Value> {
    diags.error(loc, "'" + name + "' must be " + type.describeRange() + ", got " + value.str());
    return std::nullopt;
  };
  switch (type.kind) {
  case ParamType::Kind::Int:
    if (value.kind != Value::Kind::Int)
      return mismatch();
    if (!type.inRange(double(value.i)))
      return outOfRange();
    return value;
  case ParamType::Kind::Float:
    if (!value.isNumeric())
      return mismatch();
    if (!type.inRange(value.asDouble()))
      return outOfRange();
    if (type.finiteInFloat32 && std::isfinite(value.asDouble()) &&
        std::fabs(value.asDouble()) >= 0x1.ffffffp+127) {
      diags.error(loc, "'" + name + "' must be finite as a float32, the precision runs train " +
                           "in (at most 3.4028235e+38): " + value.str() + " rounds to infinity");
      return std::nullopt;
    }
    if (type.float32 && !type.inRange(double(float(value.asDouble())))) {
      diags.error(loc, "'" + name + "' must be " + type.describeRange() +
                           " as a float32, the precision runs train in: " + value.str() +
                           " rounds to " + formatShortest(double(float(value.asDouble()))));
      return std::nullopt;
    }
    // + 0.0 makes -0.0 the setting 0.0: one configuration, one text, so
    // that [0.0, -0.0] is a repeated value like [0.0, 0.0].
    return Value::number(value.asDouble() + 0.0);
  case ParamType::Kind::Bool:
    if (value.kind != Value::Kind::Bool)
      return mismatch();
    return value;
  case ParamType::Kind::String:
    if (value.kind != Value::Kind::String)
      return mismatch();
    return value;
  case ParamType::Kind::Symbol: {
    if (value.kind == Value::Kind::String) {
      // `normalize: "none"`: the word is right, the quotes are not.
      auto diag = diags.error(loc, "'" + name + "' must be " + type.describe() +
                                       ", got the string " + value.str());
      llvm::StringRef word = llvm::is_contained(type.symbols, value.s)
                                 ? llvm::StringRef(value.s)
                                 : SourceDiagnostics::closest(value.s, type.symbols);
      if (!word.empty())
        diag.attachNote() << "write the word without quotes: " << word;
      return std::nullopt;
    }
    if (value.kind != Value::Kind::Symbol)
      return mismatch();
    if (llvm::is_contained(type.symbols, value.s))
      return value;
    auto diag =
        diags.error(loc, "'" + name + "' must be " + type.describe() + ", got '" + value.s + "'");
    SourceDiagnostics::suggest(diag, value.s, type.symbols);
    return std::nullopt;
  }
  case ParamType::Kind::CountOrFraction:
    if (value.kind == Value::Kind::Int) {
      if (value.i < 0) {
        diags.error(loc, "'" + name + "' must be >= 0, got " + value.str());
        return std::nullopt;
      }
      return value;
    }
    if (value.kind == Value::Kind::Float) {
      if (!(value.f >= 0 && value.f < 1)) {
        diags.error(loc, "'" + name + "' as a fraction must be in [0, 1), got " + value.str());
        return std::nullopt;
      }
      return value;
    }
    return mismatch();
  case ParamType::Kind::IntOrString:
    if (value.kind == Value::Kind::String)
      return value;
    if (value.kind == Value::Kind::Int && value.i >= 0)
      return value;
    return mismatch();
  case ParamType::Kind::Config:
    return mismatch();
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Settings
//===----------------------------------------------------------------------===//

bool Sema::checkSetting(const ParamSpec &paramSpec, const Setting *setting, llvm::SMLoc ownerLoc,
                        const std::string &pathPrefix, int scope, ConfigNode &node) {
  std::string path =
      pathPrefix.empty() ? paramSpec.name.str() : pathPrefix + "." + paramSpec.name.str();
  SettingEntry entry;
  entry.name = paramSpec.name;
  entry.loc = setting ? setting->getLoc() : ownerLoc;
  entry.isDefault = !setting;

  if (paramSpec.type.kind == ParamType::Kind::Config) {
    if (!setting && paramSpec.defaultValue.isNone()) {
      if (paramSpec.required) {
        diags.error(ownerLoc,
                    "missing required setting '" + paramSpec.name + "' (" + paramSpec.help + ")");
        return false;
      }
      return true; // An optional configuration left out.
    }
    entry.pathId = internPath(path, paramSpec);
    if (!checkConfigSetting(paramSpec, setting, ownerLoc, path, scope, entry))
      return false;
    node.settings.push_back(std::move(entry));
    return true;
  }

  if (!setting) {
    if (paramSpec.required) {
      diags.error(ownerLoc, "missing required " +
                                llvm::Twine(pathPrefix.empty() ? "setting" : "argument") + " '" +
                                paramSpec.name + "' (" + paramSpec.help + ")");
      return false;
    }
    if (paramSpec.defaultValue.isNone())
      return true;
    entry.kind = SettingEntry::Kind::Fixed;
    entry.value = paramSpec.defaultValue;
    // Model defaults live in Sema's pool; the spec must own what it points at.
    if (!entry.value.s.empty())
      entry.value.s = spec->strings.save(entry.value.s);
    entry.pathId = internPath(path, paramSpec);
    node.settings.push_back(std::move(entry));
    return true;
  }

  if (!setting->isAxis) {
    auto *call = llvm::dyn_cast<CallExpr>(setting->value.get());
    if (call && call->getCallee() == paramSpec.name) {
      // `seed (1 + 2);` parses as the setting form `name(args)`.
      diags.error(setting->getLoc(), "'" + paramSpec.name +
                                         "' takes a value, not arguments; "
                                         "write '" +
                                         paramSpec.name + ": (...)'");
      return false;
    }
    std::optional<Value> value = evaluator->evaluateConstant(setting->value.get());
    if (!value)
      return false;
    value = coerce(*value, paramSpec.type, setting->value->getLoc(), paramSpec.name);
    if (!value)
      return false;
    entry.kind = SettingEntry::Kind::Fixed;
    entry.value = *value;
    entry.pathId = internPath(path, paramSpec);
    node.settings.push_back(std::move(entry));
    return true;
  }

  if (!allowAxes) {
    diags.error(setting->getLoc(), "axes ('in') are only allowed inside a sweep");
    return false;
  }
  bool integral = paramSpec.type.kind == ParamType::Kind::Int;
  std::optional<std::vector<AxisElement>> elements =
      evaluator->evaluateAxis(setting->value.get(), integral, streamOf(streamKey(path)));
  if (!elements)
    return false;
  Axis axis;
  axis.loc = setting->getLoc();
  axis.scope = scope;
  bool ok = true;
  // choice() draws the same written value many times: one error per value
  // written. Regression: choice(["a"], 2) said "must be an integer" twice.
  std::set<const char *> refused;
  for (const AxisElement &element : *elements) {
    if (refused.count(element.loc.getPointer())) {
      ok = false;
      continue;
    }
    if (element.value.isNone()) {
      refused.insert(element.loc.getPointer());
      diags.error(element.loc,
                  "'" + paramSpec.name + "' must be " + paramSpec.type.describe() + ", got a call");
      ok = false;
      continue;
    }
    std::optional<Value> value = coerce(element.value, paramSpec.type, element.loc, paramSpec.name);
    if (!value) {
      refused.insert(element.loc.getPointer());
      ok = false;
      continue;
    }
    axis.values.push_back(*value);
  }
  if (!ok)
    return false;
  // Duplicates in a written list are almost always a typo; random draws may repeat.
  // One warning per axis, at the first repeat, found in O(n log n).
  if (llvm::isa<ListExpr>(setting->value.get())) {
    std::vector<std::pair<std::string, size_t>> texts;
    for (size_t i = 0; i < axis.values.size(); ++i)
      texts.push_back({axis.values[i].str(), i});
    llvm::sort(texts);
    size_t firstRepeat = axis.values.size();
    for (size_t i = 1; i < texts.size(); ++i)
      if (texts[i].first == texts[i - 1].first)
        firstRepeat = std::min(firstRepeat, texts[i].second);
    if (firstRepeat < axis.values.size())
      diags.warning((*elements)[firstRepeat].loc, "value " + axis.values[firstRepeat].str() +
                                                      " appears twice in axis '" + path + "'");
  }
  entry.kind = SettingEntry::Kind::Axis;
  entry.pathId = internPath(path, paramSpec);
  axis.pathId = entry.pathId;
  if (axis.values.size() > 1)
    spec->paths[entry.pathId].varies = true;
  if (const auto *call = llvm::dyn_cast<CallExpr>(setting->value.get()))
    if (call->getCallee() == "logspace" || call->getCallee() == "loguniform")
      spec->paths[entry.pathId].logScale = true;
  entry.index = int(spec->axes.size());
  spec->axes.push_back(std::move(axis));
  Factor factor;
  factor.axes.push_back(entry.index);
  spec->scopes[scope].factors.push_back(std::move(factor));
  node.settings.push_back(std::move(entry));
  return true;
}

bool Sema::checkConfigSetting(const ParamSpec &paramSpec, const Setting *setting,
                              llvm::SMLoc ownerLoc, const std::string &path, int scope,
                              SettingEntry &entry) {
  llvm::StringRef family = paramSpec.type.family;
  // The alternatives as expressions; a default is a kind name with no arguments.
  std::vector<const Expr *> alternatives;
  std::unique_ptr<NameExpr> defaultExpr;
  if (!setting) {
    defaultExpr = std::make_unique<NameExpr>(ownerLoc, paramSpec.defaultValue.s.str());
    alternatives.push_back(defaultExpr.get());
  } else if (setting->isAxis) {
    if (!allowAxes) {
      diags.error(setting->getLoc(), "axes ('in') are only allowed inside a sweep");
      return false;
    }
    if (auto *list = llvm::dyn_cast<ListExpr>(setting->value.get())) {
      if (list->getElements().empty()) {
        diags.error(list->getLoc(), "a choice needs at least one alternative");
        return false;
      }
      for (const ExprPtr &element : list->getElements())
        alternatives.push_back(element.get());
    } else {
      diags.error(setting->value->getLoc(),
                  "expected a list of alternatives after 'in', such as [" +
                      (family == "optimizer" ? llvm::StringRef("sgd(lr 0.1), adam(lr 0.001)")
                                             : llvm::StringRef("a, b")) +
                      "]");
      return false;
    }
  } else {
    alternatives.push_back(setting->value.get());
  }

  Choice choice;
  choice.pathId = entry.pathId;
  choice.loc = entry.loc;
  int choiceId = int(spec->choices.size());
  spec->choices.push_back(choice);
  bool several = alternatives.size() > 1;
  if (several) {
    spec->paths[entry.pathId].varies = true;
    Factor factor;
    factor.kind = Factor::Kind::Choice;
    factor.choice = choiceId;
    spec->scopes[scope].factors.push_back(std::move(factor));
  }
  bool ok = true;
  std::vector<ConfigNode> nodes;
  std::vector<int> scopes;
  for (const Expr *alternative : alternatives) {
    int altScope = scope;
    if (several) {
      altScope = int(spec->scopes.size());
      spec->scopes.emplace_back();
    }
    ConfigNode node;
    if (!checkConfigAlternative(family, alternative, path, altScope, node)) {
      ok = false;
      continue;
    }
    for (const ConfigNode &previous : nodes)
      if (several && previous.kind == node.kind && previous.settings.empty() &&
          node.settings.empty())
        diags.warning(alternative->getLoc(),
                      "alternative '" + node.kind + "' appears twice in choice '" + path + "'");
    nodes.push_back(std::move(node));
    scopes.push_back(altScope);
  }
  if (!ok)
    return false;
  spec->choices[choiceId].alternatives = std::move(nodes);
  spec->choices[choiceId].alternativeScopes = std::move(scopes);
  entry.kind = SettingEntry::Kind::Choice;
  entry.index = choiceId;
  return true;
}

/// The source text of a call's arguments, one string each, spaces and line
/// breaks each run made one space (`n: 200`, `noise in [0.1, 0.2]`). The AST
/// keeps no end locations: read from the buffer, which ends in a NUL, up to
/// the matching parenthesis outside strings and comments.
static std::vector<std::string> callArgumentsText(const Expr *call) {
  const char *p = call->getLoc().getPointer();
  while (*p && *p != '(')
    ++p;
  std::vector<std::string> args(1);
  auto endArgument = [&] {
    while (!args.back().empty() && args.back().back() == ' ')
      args.back().pop_back();
  };
  int depth = 0;
  for (++p; *p; ++p) {
    char c = *p;
    std::string &text = args.back();
    if (c == '"') {
      const char *start = p;
      for (++p; *p && *p != '"' && *p != '\n'; ++p)
        if (*p == '\\' && p[1])
          ++p;
      if (*p != '"')
        return {};
      text.append(start, p + 1);
      continue;
    }
    if (c == '/' && p[1] == '/') { // A comment, to the line's end.
      while (p[1] && p[1] != '\n')
        ++p;
      continue;
    }
    if (c == '(' || c == '[')
      ++depth;
    if ((c == ')' || c == ']') && depth-- == 0)
      break;
    if (c == ',' && depth == 0) {
      endArgument();
      args.emplace_back();
      continue;
    }
    if (std::isspace((unsigned char)c)) {
      if (!text.empty() && text.back() != ' ')
        text += ' ';
      continue;
    }
    text += c;
  }
  endArgument();
  if (args.size() == 1 && args[0].empty())
    args.clear();
  return args;
}

/// `data spirals(n: 200, noise in [0.1, 0.2])`: a dataset's source written
/// inline with its declared settings and those given in the sweep (which win).
static std::string inlineSourceText(const CallExpr *source, const KindSpec *kind,
                                    const Expr *given, llvm::ArrayRef<Setting> givenSettings) {
  // The setting an argument's text names (`n: 200`, `noise in [...]`), "" for
  // a positional one.
  auto nameOf = [](llvm::StringRef text) {
    llvm::StringRef name =
        text.take_while([](char c) { return std::isalnum((unsigned char)c) || c == '_'; });
    llvm::StringRef rest = text.drop_front(name.size()).ltrim();
    return !name.empty() && (rest.starts_with(":") || rest.starts_with("in ")) ? name
                                                                               : llvm::StringRef();
  };
  // Positional arguments first (a given one replaces the declared one in its
  // place), then the named ones: a positional argument after a named one is
  // an error. Regression: `data s("other.csv")` suggested
  // `csv(label: "y", "other.csv")`.
  std::vector<std::string> positional, named;
  std::vector<std::string> declared = callArgumentsText(source), mine = callArgumentsText(given);
  size_t givenPositional = 0;
  for (const std::string &arg : mine)
    givenPositional += nameOf(arg).empty();
  // A setting given here, by name or by its place among the source's
  // parameters, replaces the declared one.
  auto givenHere = [&](llvm::StringRef name) {
    for (size_t p = 0; kind && p < givenPositional && p < kind->params.size(); ++p)
      if (kind->params[p].name == name)
        return true;
    return llvm::any_of(givenSettings, [&](const Setting &s) { return s.name == name; });
  };
  size_t index = 0;
  for (const std::string &arg : declared) {
    llvm::StringRef name = nameOf(arg);
    if (name.empty()) {
      if (index++ >= givenPositional)
        positional.push_back(arg);
      continue;
    }
    if (!givenHere(name))
      named.push_back(arg);
  }
  std::vector<std::string> args;
  for (const std::string &arg : mine)
    if (nameOf(arg).empty())
      args.push_back(arg);
  args.insert(args.end(), positional.begin(), positional.end());
  args.insert(args.end(), named.begin(), named.end());
  for (const std::string &arg : mine)
    if (!nameOf(arg).empty())
      args.push_back(arg);
  return source->getCallee().str() + "(" + llvm::join(args, ", ") + ")";
}

bool Sema::checkConfigAlternative(llvm::StringRef family, const Expr *expr, const std::string &path,
                                  int scope, ConfigNode &node) {
  llvm::StringRef kindName;
  llvm::ArrayRef<Setting> args;
  if (auto *call = llvm::dyn_cast<CallExpr>(expr)) {
    kindName = call->getCallee();
    args = call->getArgs();
  } else if (auto *name = llvm::dyn_cast<NameExpr>(expr)) {
    kindName = name->getName();
  } else {
    diags.error(expr->getLoc(), "expected " + ParamType::config(family).describe());
    return false;
  }
  node.family = spec->strings.save(family);
  node.kind = spec->strings.save(kindName);
  node.loc = expr->getLoc();
  enclosingKinds.push_back(node.kind);
  auto popKind = llvm::make_scope_exit([&] { enclosingKinds.pop_back(); });

  if (family == "model") {
    const Decl *decl = decls.lookup(kindName);
    auto *model = llvm::dyn_cast_or_null<ModelDecl>(decl);
    if (!model) {
      auto diag = diags.error(expr->getLoc(), decl ? "'" + kindName + "' is not a model"
                                                   : "unknown model '" + kindName + "'");
      std::vector<llvm::StringRef> candidates;
      for (const auto &entry : modelKinds)
        candidates.push_back(entry.getKey());
      SourceDiagnostics::suggest(diag, kindName, candidates);
      return false;
    }
    used[kindName] = true;
    auto it = modelKinds.find(kindName);
    if (it == modelKinds.end())
      return false; // The model itself had errors.
    node.model = model;
    return checkConfigArgs(it->second, args, expr->getLoc(), path, scope, node);
  }

  if (family == "dataset") {
    const FamilySpec *sources = lookupFamily("source");
    if (const KindSpec *source = sources->lookup(kindName)) {
      // An inline data source: `data spirals(noise in [0.1, 0.2])`.
      node.source = node.kind;
      return checkConfigArgs(*source, args, expr->getLoc(), path, scope, node);
    }
    const Decl *decl = decls.lookup(kindName);
    auto *dataset = llvm::dyn_cast_or_null<DatasetDecl>(decl);
    if (!dataset) {
      auto diag = diags.error(expr->getLoc(), decl ? "'" + kindName + "' is not a dataset"
                                                   : "unknown dataset '" + kindName + "'");
      std::vector<llvm::StringRef> candidates;
      for (const DeclPtr &d : module.decls)
        if (llvm::isa<DatasetDecl>(d.get()))
          candidates.push_back(d->getName());
      for (const KindSpec &kind : sources->kinds)
        candidates.push_back(kind.name);
      SourceDiagnostics::suggest(diag, kindName, candidates);
      return false;
    }
    used[kindName] = true;
    if (!args.empty()) {
      // A beginner's way to sweep a dataset's setting: say the way that works,
      // the source written in the sweep with the dataset's settings and these.
      auto diag = diags.error(expr->getLoc(), "dataset '" + kindName +
                                                  "' is already configured; it takes no "
                                                  "arguments here");
      diag.attachNote(diags.getLocation(dataset->getLoc()))
          << "'" << kindName << "' is declared here; to set or sweep its settings, write its "
          << "source in the sweep instead: data "
          << inlineSourceText(dataset->getSource(),
                              sources->lookup(dataset->getSource()->getCallee()), expr, args);
      return false;
    }
    if (invalidDecls.lookup(kindName))
      return false;
    const CallExpr *source = dataset->getSource();
    node.source = spec->strings.save(source->getCallee());
    return checkConfigArgs(*sources->lookup(source->getCallee()), source->getArgs(),
                           source->getLoc(), path, scope, node);
  }

  const FamilySpec *familySpec = lookupFamily(family);
  const KindSpec *kind = familySpec->lookup(kindName);
  if (!kind) {
    auto diag = diags.error(expr->getLoc(), "unknown " + family + " '" + kindName + "'");
    SourceDiagnostics::suggest(diag, kindName, familySpec->kindNames());
    if (familySpec->kinds.size() > 1) {
      std::string known;
      llvm::raw_string_ostream os(known);
      llvm::interleave(familySpec->kindNames(), os, ", ");
      diag.attachNote() << "known " << family << " kinds: " << os.str();
    }
    return false;
  }
  return checkConfigArgs(*kind, args, expr->getLoc(), path, scope, node);
}

bool Sema::reportMisreadSetting(const KindSpec &kind, const Expr &value) {
  // `lr (0.1)` reads as a call to `lr`; `lr -0.1` as the difference `lr - 0.1`.
  if (auto *call = llvm::dyn_cast<CallExpr>(&value)) {
    if (!kind.lookup(call->getCallee()) || call->getArgs().size() != 1 ||
        !call->getArgs().front().name.empty())
      return false;
    diags.error(call->getLoc(), "'" + call->getCallee() +
                                    "' takes a value, not arguments; "
                                    "write '" +
                                    call->getCallee() + ": (...)'");
    return true;
  }
  auto *difference = llvm::dyn_cast<BinaryExpr>(&value);
  if (!difference || difference->getOp() != BinaryExpr::Op::Sub)
    return false;
  auto *name = llvm::dyn_cast<NameExpr>(difference->getLhs());
  if (!name || !kind.lookup(name->getName()))
    return false;
  diags.error(name->getLoc(), "'" + name->getName() + " -...' reads as a subtraction; write '" +
                                  name->getName() + ": -...' for a negative value");
  return true;
}

bool Sema::checkConfigArgs(const KindSpec &kind, llvm::ArrayRef<Setting> args, llvm::SMLoc loc,
                           const std::string &pathPrefix, int scope, ConfigNode &node) {
  // Bind arguments to parameters: positional ones in order, then by name.
  std::vector<const Setting *> bound(kind.params.size(), nullptr);
  std::vector<size_t> order; // Parameter indices in the order they were written.
  bool ok = true;
  size_t positional = 0;
  bool sawNamed = false;
  for (const Setting &arg : args) {
    size_t index;
    if (arg.name.empty()) {
      if (reportMisreadSetting(kind, *arg.value)) {
        ok = false;
        continue;
      }
      if (sawNamed) {
        diags.error(arg.getLoc(), "positional argument after a named one");
        ok = false;
        continue;
      }
      index = positional++;
      if (index >= kind.params.size()) {
        diags.error(arg.getLoc(), "'" + kind.name + "' takes " +
                                      std::to_string(kind.params.size()) + " argument" +
                                      (kind.params.size() == 1 ? "" : "s") + ", got more");
        ok = false;
        continue;
      }
    } else {
      sawNamed = true;
      const ParamSpec *param = kind.lookup(arg.name);
      if (!param) {
        auto diag =
            diags.error(arg.nameLoc, "'" + kind.name + "' has no parameter '" + arg.name + "'");
        std::vector<llvm::StringRef> names;
        for (const ParamSpec &p : kind.params)
          names.push_back(p.name);
        SourceDiagnostics::suggest(diag, arg.name, names);
        ok = false;
        continue;
      }
      index = param - kind.params.data();
    }
    if (bound[index]) {
      auto diag = diags.error(arg.getLoc(), "'" + kind.params[index].name + "' is set twice");
      diag.attachNote(diags.getLocation(bound[index]->getLoc())) << "first set here";
      ok = false;
      continue;
    }
    bound[index] = &arg;
    order.push_back(index);
  }
  bool allBound = ok;
  // Written settings first, in source order, so that axes enumerate in the order
  // they were written; then defaults. The node keeps parameter order.
  std::vector<ConfigNode> pieces(kind.params.size());
  for (size_t index : order)
    ok &= checkSetting(kind.params[index], bound[index], loc, pathPrefix, scope, pieces[index]);
  // A misspelled argument would also be reported missing; one error is enough.
  if (!allBound)
    return false;
  for (size_t index = 0; index < kind.params.size(); ++index)
    if (!bound[index])
      ok &= checkSetting(kind.params[index], nullptr, loc, pathPrefix, scope, pieces[index]);
  for (ConfigNode &piece : pieces)
    for (SettingEntry &entry : piece.settings)
      node.settings.push_back(std::move(entry));
  return ok;
}

//===----------------------------------------------------------------------===//
// The sweep
//===----------------------------------------------------------------------===//

std::unique_ptr<SweepSpec> Sema::checkSweep(const SweepDecl &decl) {
  auto result = std::make_unique<SweepSpec>();
  spec = result.get();
  evaluator = std::make_unique<AxisEvaluator>(diags, spec->strings);
  spec->name = decl.getName().str();
  spec->loc = decl.getLoc();
  spec->scopes.emplace_back();
  spec->root.family = "sweep";
  spec->root.kind = spec->strings.save(decl.getName());
  spec->root.loc = decl.getLoc();
  unsigned errorsBefore = diags.getErrorCount();

  // Gather the settings of all clauses as the arguments of the sweep's kind.
  std::vector<Setting> settings;
  const KindSpec &sweepKind = lookupFamily("sweep")->kinds.front();
  std::vector<const Setting *> written;
  for (const ClausePtr &clause : decl.getClauses())
    if (auto *settingsClause = llvm::dyn_cast<SettingsClause>(clause.get()))
      for (const Setting &setting : settingsClause->getSettings())
        written.push_back(&setting);

  std::vector<const Setting *> bound(sweepKind.params.size(), nullptr);
  std::vector<size_t> order;
  bool ok = true;
  for (const Setting *setting : written) {
    const ParamSpec *param = sweepKind.lookup(setting->name);
    if (!param) {
      auto diag = diags.error(setting->nameLoc, "unknown sweep setting '" + setting->name + "'");
      std::vector<llvm::StringRef> names;
      for (const ParamSpec &p : sweepKind.params)
        names.push_back(p.name);
      SourceDiagnostics::suggest(diag, setting->name, names);
      ok = false;
      continue;
    }
    size_t index = param - sweepKind.params.data();
    if (bound[index]) {
      auto diag = diags.error(setting->nameLoc, "setting '" + setting->name + "' is set twice");
      diag.attachNote(diags.getLocation(bound[index]->nameLoc)) << "first set here";
      ok = false;
      continue;
    }
    bound[index] = setting;
    order.push_back(index);
  }
  bool allNamesKnown = ok;
  std::vector<ConfigNode> pieces(sweepKind.params.size());
  for (size_t index : order)
    ok &= checkSetting(sweepKind.params[index], bound[index], decl.getLoc(), "", 0, pieces[index]);
  // A misspelled setting would also be reported missing; one error is enough.
  if (!allNamesKnown) {
    spec = nullptr;
    return nullptr;
  }
  for (size_t index = 0; index < sweepKind.params.size(); ++index)
    if (!bound[index])
      ok &= checkSetting(sweepKind.params[index], nullptr, decl.getLoc(), "", 0, pieces[index]);
  for (ConfigNode &piece : pieces)
    for (SettingEntry &entry : piece.settings)
      spec->root.settings.push_back(std::move(entry));

  // `zip` and `where` name the settings: after an error in one they would
  // report it again in their own words. `report` names metrics only, and is
  // checked whatever the settings. Regression: `batch 0; report los;` said
  // nothing of `los` until `batch` was fixed.
  bool sawReport = false;
  for (const ClausePtr &clause : decl.getClauses()) {
    if (auto *zip = llvm::dyn_cast<ZipClause>(clause.get()); zip && ok)
      checkZip(*zip);
    else if (auto *where = llvm::dyn_cast<WhereClause>(clause.get()); where && ok)
      checkWhere(*where);
    else if (auto *report = llvm::dyn_cast<ReportClause>(clause.get())) {
      if (sawReport) {
        diags.error(report->getLoc(), "'report' is given twice");
        continue;
      }
      sawReport = true;
      spec->reportLoc = report->getLoc();
      spec->reportWritten = true;
      checkReport(*report);
    }
  }
  if (!sawReport) {
    spec->metrics = {"loss"};
    spec->reportLoc = decl.getLoc();
  }
  // Metering, the budget, the device and the prune rule (which compares runs with
  // each other) belong to the whole sweep, not to a run.
  auto sweepWide = [](llvm::StringRef path) {
    return path == "energy" || path.starts_with("energy.") || path == "device" ||
           path == "prune" || path.starts_with("prune.");
  };
  for (const Axis &axis : spec->axes) {
    llvm::StringRef path = spec->paths[axis.pathId].path;
    if (sweepWide(path) && axis.values.size() > 1)
      diags.error(axis.loc,
                  "'" + path.str() + "' applies to the whole sweep and cannot vary across runs");
  }
  for (const Choice &choice : spec->choices) {
    llvm::StringRef path = spec->paths[choice.pathId].path;
    if (sweepWide(path) && choice.alternatives.size() > 1)
      diags.error(choice.loc,
                  "'" + path.str() + "' applies to the whole sweep and cannot vary across runs");
  }

  reportPruneMetric();

  spec = nullptr;
  if (!ok || diags.getErrorCount() != errorsBefore)
    return nullptr;
  return result;
}

void Sema::reportPruneMetric() {
  // The metric the prune rule compares is always reported: a resumed sweep
  // reads it back from curves.csv to judge the runs still to train. Added
  // here, so that `sweepc plan` shows the columns the results will have.
  auto metric = spec->pathIds.find("prune.metric");
  if (metric == spec->pathIds.end())
    return;
  for (const Value &value : possibleValues(*spec, metric->second)) {
    if (value.s == "train_loss")
      continue;
    std::string measure = value.s == "val_accuracy" ? "accuracy" : "loss";
    if (!llvm::is_contained(spec->metrics, measure)) {
      spec->metrics.push_back(measure);
      spec->metricsForPrune.push_back(measure);
    }
  }
}

std::vector<int> Sema::findAxes(llvm::StringRef name) const {
  // A full path wins over last components: `seed` is the sweep's seed even when
  // `data.seed` is an axis too.
  std::vector<int> exact, suffix;
  for (size_t i = 0; i < spec->axes.size(); ++i) {
    llvm::StringRef path = spec->paths[spec->axes[i].pathId].path;
    if (path == name)
      exact.push_back(int(i));
    else if (path.ends_with(name) && path.size() > name.size() &&
             path[path.size() - name.size() - 1] == '.')
      suffix.push_back(int(i));
  }
  return exact.empty() ? suffix : exact;
}

void Sema::checkZip(const ZipClause &clause) {
  if (clause.getAxes().size() < 2) {
    diags.error(clause.getLoc(), "'zip' needs at least two axes");
    return;
  }
  std::vector<int> axes;
  for (const Identifier &name : clause.getAxes()) {
    std::vector<int> found = findAxes(name.name);
    // An axis that occurs in several alternatives under one path is still ambiguous.
    if (found.empty()) {
      bool isSetting = llvm::any_of(spec->paths, [&](const PathInfo &info) {
        llvm::StringRef path = info.path;
        return path == name.name || path.ends_with("." + name.name);
      });
      // A choice between alternatives (`init in [he_normal, xavier_normal]`,
      // `optimizer in [sgd(...), adam(...)]`) is no axis of values either.
      // Regression: it was said to have "a single value".
      bool isChoice = llvm::any_of(spec->choices, [&](const Choice &choice) {
        llvm::StringRef path = spec->paths[choice.pathId].path;
        return choice.alternatives.size() > 1 &&
               (path == name.name || path.ends_with("." + name.name));
      });
      if (isChoice) {
        diags.error(name.loc, "'" + name.name +
                                  "' is a choice between alternatives (kinds with settings of "
                                  "their own), which 'zip' does not pair: it pairs axes of "
                                  "numbers or words");
        return;
      }
      if (isSetting) {
        diags.error(name.loc, "'" + name.name +
                                  "' has a single value; 'zip' needs axes "
                                  "('" +
                                  name.name + " in [...]')");
        return;
      }
      auto diag = diags.error(name.loc, "'" + name.name + "' is not an axis of this sweep");
      std::vector<llvm::StringRef> candidates;
      for (const Axis &axis : spec->axes) {
        llvm::StringRef path = spec->paths[axis.pathId].path;
        candidates.push_back(path);
        candidates.push_back(path.rsplit('.').second.empty() ? path : path.rsplit('.').second);
      }
      SourceDiagnostics::suggest(diag, name.name, candidates);
      return;
    }
    if (found.size() > 1) {
      // Axes of one path in several alternatives of a choice have no longer
      // name to tell them apart: full-path advice would send the user round.
      bool onePath = llvm::all_of(found, [&](int axis) {
        return spec->axes[axis].pathId == spec->axes[found.front()].pathId;
      });
      std::string advice = onePath ? ", one in each of several alternatives of a choice; no "
                                     "longer name tells them apart, so 'zip' cannot take it"
                                   : "; write its full path";
      auto diag =
          diags.error(name.loc, "'" + name.name + "' names " + std::to_string(found.size()) +
                                    " axes" + advice);
      for (int axis : found)
        diag.attachNote(diags.getLocation(spec->axes[axis].loc))
            << "axis '" << spec->paths[spec->axes[axis].pathId].path << "' is here";
      return;
    }
    if (llvm::is_contained(axes, found.front())) {
      diags.error(name.loc, "axis '" + name.name + "' is zipped with itself");
      return;
    }
    axes.push_back(found.front());
  }
  const Axis &first = spec->axes[axes.front()];
  for (int id : axes) {
    const Axis &axis = spec->axes[id];
    if (axis.scope != first.scope) {
      // Scope 0 is the sweep's own: a setting in no alternative of a list.
      bool oneOutside = axis.scope == 0 || first.scope == 0;
      diags.error(clause.getLoc(),
                  "cannot zip '" + spec->paths[first.pathId].path + "' with '" +
                      spec->paths[axis.pathId].path +
                      (oneOutside ? "': one is set inside an alternative of a list (`in [...]`), "
                                    "the other outside it"
                                  : "': they belong to different alternatives"));
      return;
    }
    if (axis.values.size() != first.values.size()) {
      auto diag = diags.error(clause.getLoc(), "zipped axes must have the same length");
      diag.attachNote(diags.getLocation(first.loc))
          << "'" << spec->paths[first.pathId].path << "' has " << first.values.size() << " values";
      diag.attachNote(diags.getLocation(axis.loc))
          << "'" << spec->paths[axis.pathId].path << "' has " << axis.values.size() << " values";
      return;
    }
  }
  // Replace the zipped axes' factors with one factor at the first one's place.
  std::vector<Factor> &factors = spec->scopes[first.scope].factors;
  int firstFactor = -1;
  for (size_t i = 0; i < factors.size(); ++i) {
    if (factors[i].kind != Factor::Kind::Axes)
      continue;
    for (int id : axes)
      if (llvm::is_contained(factors[i].axes, id)) {
        if (factors[i].axes.size() > 1) {
          diags.error(clause.getLoc(),
                      "axis '" + spec->paths[spec->axes[id].pathId].path + "' is already zipped");
          return;
        }
        if (firstFactor < 0)
          firstFactor = int(i);
      }
  }
  Factor zipped;
  zipped.axes = axes;
  std::vector<Factor> rebuilt;
  for (size_t i = 0; i < factors.size(); ++i) {
    if (int(i) == firstFactor) {
      rebuilt.push_back(zipped);
      continue;
    }
    if (factors[i].kind == Factor::Kind::Axes && llvm::is_contained(axes, factors[i].axes.front()))
      continue;
    rebuilt.push_back(std::move(factors[i]));
  }
  factors = std::move(rebuilt);
}

void Sema::checkReport(const ReportClause &clause) {
  for (const Identifier &metric : clause.getMetrics()) {
    if (!llvm::is_contained(getMetricNames(), metric.name)) {
      auto diag = diags.error(metric.loc, "unknown metric '" + metric.name + "'");
      SourceDiagnostics::suggest(diag, metric.name, getMetricNames());
      continue;
    }
    if (llvm::is_contained(spec->metrics, metric.name)) {
      diags.warning(metric.loc, "metric '" + metric.name + "' is reported twice");
      continue;
    }
    spec->metrics.push_back(metric.name);
  }
}
