//===- SemaSweep.cpp - sweep settings, axes, choices, zip and report ------===//
//
// Configuration settings (a kind with settings of its own) are SemaConfig.cpp's.
//
//===----------------------------------------------------------------------===//

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
    else if (paramSpec.type.float32)
      warnAboutOneFloat32(axis, *elements, path);
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

//===----------------------------------------------------------------------===//
// The sweep
//===----------------------------------------------------------------------===//

void Sema::warnAboutOneFloat32(const Axis &axis, llvm::ArrayRef<AxisElement> elements,
                               const std::string &path) {
  // (float32 value, index), sorted: equal roundings lie side by side, and the
  // written values differ (exact repeats were reported already).
  std::vector<std::pair<float, size_t>> rounded;
  for (size_t i = 0; i < axis.values.size(); ++i)
    if (axis.values[i].isNumeric())
      rounded.push_back({float(axis.values[i].asDouble()), i});
  llvm::sort(rounded);
  size_t later = axis.values.size(), earlier = 0;
  for (size_t i = 1; i < rounded.size(); ++i)
    if (rounded[i].first == rounded[i - 1].first) {
      size_t a = std::min(rounded[i].second, rounded[i - 1].second);
      size_t b = std::max(rounded[i].second, rounded[i - 1].second);
      if (b < later)
        later = b, earlier = a;
    }
  if (later == axis.values.size())
    return;
  diags.warning(elements[later].loc,
                "values " + axis.values[earlier].str() + " and " + axis.values[later].str() +
                    " of axis '" + path +
                    "' are the same float32, the precision runs train in: their runs train "
                    "identically");
}

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
