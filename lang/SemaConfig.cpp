//===- SemaConfig.cpp - configuration settings: data, optimizer, schedule -===//
//
// A setting whose value is a kind with its own settings (`data`, `optimizer`,
// `schedule`, `init`, ...): one kind or a choice of kinds, each checked against
// its KindSpec, and the diagnostics that help a reader write one (a named
// dataset's source written inline, a setting misread as another kind's).
//
//===----------------------------------------------------------------------===//

#include "lang/SemaInternal.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <set>

using namespace sweep;

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
