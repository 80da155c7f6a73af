//===- Grid.cpp - expanding a sweep into runs -----------------------------===//

#include "lang/Grid.h"

#include "lang/Hash64.h"
#include "lang/ModelHash.h"

#include "lang/Builtins.h"
#include "lang/WhereEvaluator.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdio>
#include <cstring>

using namespace sweep;

namespace {
uint64_t saturatingMul(uint64_t a, uint64_t b) {
  uint64_t result;
  return __builtin_mul_overflow(a, b, &result) ? UINT64_MAX : result;
}
uint64_t saturatingAdd(uint64_t a, uint64_t b) {
  uint64_t result;
  return __builtin_add_overflow(a, b, &result) ? UINT64_MAX : result;
}

uint64_t countScope(const SweepSpec &spec, int scope) {
  uint64_t count = 1;
  for (const Factor &factor : spec.scopes[scope].factors) {
    if (factor.kind == Factor::Kind::Axes) {
      count = saturatingMul(count, spec.axes[factor.axes.front()].values.size());
      continue;
    }
    uint64_t sum = 0;
    for (int alternativeScope : spec.choices[factor.choice].alternativeScopes)
      sum = saturatingAdd(sum, countScope(spec, alternativeScope));
    count = saturatingMul(count, sum);
  }
  return count;
}

/// Enumerates runs scope by scope in continuation-passing style: a choice's
/// alternative is enumerated in full before the factors after the choice.
class Enumerator {
public:
  Enumerator(const SweepSpec &spec, llvm::function_ref<void(llvm::ArrayRef<uint32_t>)> emit)
      : spec(spec), emit(emit), indices(spec.getNumSlots(), kInactive) {
    // Choices with a single alternative are not factors; they always take it.
    for (size_t c = 0; c < spec.choices.size(); ++c)
      if (spec.choices[c].alternatives.size() == 1)
        indices[spec.getChoiceSlot(int(c))] = 0;
  }

  void run() {
    enumerate(0, 0, [&] { emit(indices); });
  }

private:
  void enumerate(int scope, size_t factorIndex, llvm::function_ref<void()> next) {
    const std::vector<Factor> &factors = spec.scopes[scope].factors;
    if (factorIndex == factors.size()) {
      next();
      return;
    }
    const Factor &factor = factors[factorIndex];
    if (factor.kind == Factor::Kind::Axes) {
      size_t n = spec.axes[factor.axes.front()].values.size();
      for (size_t v = 0; v < n; ++v) {
        for (int axis : factor.axes)
          indices[axis] = uint32_t(v);
        enumerate(scope, factorIndex + 1, next);
      }
      for (int axis : factor.axes)
        indices[axis] = kInactive;
      return;
    }
    const Choice &choice = spec.choices[factor.choice];
    size_t slot = spec.getChoiceSlot(factor.choice);
    for (size_t a = 0; a < choice.alternatives.size(); ++a) {
      indices[slot] = uint32_t(a);
      int alternativeScope = choice.alternativeScopes[a];
      enumerate(alternativeScope, 0, [&] { enumerate(scope, factorIndex + 1, next); });
    }
    indices[slot] = kInactive;
  }

  const SweepSpec &spec;
  llvm::function_ref<void(llvm::ArrayRef<uint32_t>)> emit;
  std::vector<uint32_t> indices;
};

void resolveNode(const SweepSpec &spec, const ConfigNode &node, llvm::ArrayRef<uint32_t> indices,
                 std::vector<Value> &values) {
  for (const SettingEntry &entry : node.settings) {
    switch (entry.kind) {
    case SettingEntry::Kind::Fixed:
      values[entry.pathId] = entry.value;
      break;
    case SettingEntry::Kind::Axis:
      values[entry.pathId] = spec.axes[entry.index].values[indices[entry.index]];
      break;
    case SettingEntry::Kind::Choice: {
      const Choice &choice = spec.choices[entry.index];
      uint32_t alternative = indices[spec.getChoiceSlot(entry.index)];
      const ConfigNode &taken = choice.alternatives[alternative];
      values[entry.pathId] = Value::symbol(taken.kind);
      resolveNode(spec, taken, indices, values);
      break;
    }
    }
  }
}
} // namespace

uint64_t sweep::countUnconstrainedRuns(const SweepSpec &spec) { return countScope(spec, 0); }

void sweep::resolveRun(const SweepSpec &spec, llvm::ArrayRef<uint32_t> indices,
                       std::vector<Value> &values) {
  values.assign(spec.paths.size(), Value::none());
  resolveNode(spec, spec.root, indices, values);
}

bool sweep::isRunSetting(llvm::StringRef path) {
  // `device` too: a flag (--device) may override it, and runs.csv records
  // where each run trained instead (its `device` result column).
  for (llvm::StringRef sweepWide : {"energy", "prune", "device"})
    if (path == sweepWide || (path.starts_with(sweepWide) && path.drop_front(sweepWide.size()).starts_with(".")))
      return false;
  return true;
}

ConfigHasher::ConfigHasher(const SweepSpec &spec) {
  // Each model a `model` setting can name, by the hash of what it computes.
  for (const Choice &choice : spec.choices)
    for (const ConfigNode &alternative : choice.alternatives)
      if (alternative.model)
        modelHashes[choice.pathId][alternative.kind] = hashModelDecl(*alternative.model);
  pathsByName.resize(spec.paths.size());
  pathHashes.resize(spec.paths.size());
  for (size_t i = 0; i < spec.paths.size(); ++i) {
    pathsByName[i] = int(i);
    pathHashes[i] = fnv1a(spec.paths[i].path.data(), spec.paths[i].path.size());
    runSetting.push_back(isRunSetting(spec.paths[i].path));
  }
  llvm::sort(pathsByName, [&](int a, int b) { return spec.paths[a].path < spec.paths[b].path; });
}

uint64_t ConfigHasher::hash(llvm::ArrayRef<Value> values) const {
  uint64_t hash = 0x9e3779b97f4a7c15ull;
  for (int id : pathsByName) {
    const Value &value = values[id];
    if (value.isNone() || !runSetting[size_t(id)])
      continue;
    // Kind and bits, not text: a path always holds one kind (sema coerces), and
    // IEEE bits and two's complement read the same on every (little-endian) machine.
    uint64_t bits = 0;
    switch (value.kind) {
    case Value::Kind::Int:
    case Value::Kind::Bool:
      bits = uint64_t(value.i);
      break;
    case Value::Kind::Float: {
      double f = value.f == 0 ? 0.0 : value.f; // -0.0 and 0.0 are one setting.
      std::memcpy(&bits, &f, sizeof(bits));
      break;
    }
    case Value::Kind::Symbol:
    case Value::Kind::String:
      bits = fnv1a(value.s.data(), value.s.size());
      break;
    case Value::Kind::None:
      break;
    }
    hash = mix64(hash ^ pathHashes[id]);
    hash = mix64(hash ^ mix64(bits + uint64_t(value.kind)));
    // The model's name stands for its body, which an edit may change.
    if (auto models = modelHashes.find(id); models != modelHashes.end())
      if (auto model = models->second.find(value.s); model != models->second.end())
        hash = mix64(hash ^ model->second);
  }
  return hash;
}

mlir::FailureOr<RunTable> sweep::expandGrid(const SweepSpec &spec, SourceDiagnostics &diags,
                                            uint64_t maxRuns) {
  uint64_t total = countUnconstrainedRuns(spec);
  if (total > maxRuns) {
    diags.error(spec.loc,
                "sweep '" + spec.name + "' has " +
                    (total == UINT64_MAX ? std::string("more than 2^64") : std::to_string(total)) +
                    " runs; the limit is " + std::to_string(maxRuns));
    return mlir::failure();
  }
  // The run table holds one 32-bit index per slot per run.
  constexpr double kMaxTableBytes = 4.0 * (1ull << 30);
  double tableBytes = double(total) * double(spec.getNumSlots()) * 4.0;
  if (tableBytes > kMaxTableBytes) {
    diags.error(spec.loc, "sweep '" + spec.name + "' has " + std::to_string(total) +
                              " runs; its run table (" + std::to_string(spec.getNumSlots()) +
                              " indices per run) would need " +
                              std::to_string(int64_t(tableBytes / (1 << 20))) +
                              " MiB, more than the 4096 MiB limit");
    return mlir::failure();
  }
  // Every 'where' clause is evaluated for every run of the grid. Regression:
  // ten clauses of 900 operators over 10^7 runs, each within its limits, kept
  // `check` busy for an hour.
  uint64_t whereNodes = 0;
  for (const Constraint &constraint : spec.constraints)
    whereNodes += constraint.condition ? constraint.condition->getSize() : 0;
  if (double(total) * double(whereNodes) > kMaxWhereEvaluations) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3g", double(total) * double(whereNodes));
    diags.error(spec.constraints.front().loc,
                "evaluating the 'where' clauses takes " + std::string(text) + " steps (" +
                    std::to_string(total) + " runs x " + std::to_string(whereNodes) +
                    " operators and operands); at most " +
                    std::to_string(uint64_t(kMaxWhereEvaluations)) +
                    ": fewer runs before 'where', or shorter clauses");
    return mlir::failure();
  }
  RunTable table(spec.getNumSlots());
  std::vector<WhereEvaluator> constraints;
  for (const Constraint &constraint : spec.constraints)
    constraints.emplace_back(spec, constraint);
  std::vector<uint64_t> rejected(constraints.size(), 0);
  if (constraints.empty())
    table.reserve(total);

  std::vector<Value> values;
  uint64_t ordinal = 0;
  Enumerator(spec, [&](llvm::ArrayRef<uint32_t> indices) {
    uint64_t id = ordinal++;
    if (!constraints.empty()) {
      resolveRun(spec, indices, values);
      for (size_t c = 0; c < constraints.size(); ++c) {
        if (constraints[c].evaluate(values) == WhereEvaluator::Result::False) {
          ++rejected[c];
          return;
        }
      }
    }
    table.append(id, indices);
  }).run();

  for (size_t c = 0; c < constraints.size(); ++c)
    if (rejected[c] == 0)
      diags.warning(spec.constraints[c].loc, "this 'where' clause removes no run");
  if (table.size() == 0) {
    auto diag = diags.error(spec.loc, "sweep '" + spec.name +
                                          "' has no runs left: 'where' "
                                          "removes all " +
                                          std::to_string(total));
    return mlir::failure();
  }
  return table;
}
