//===- SweepSpec.h - a checked sweep, ready to expand -----------*- C++ -*-===//
//
// Sema turns the AST of one `sweep` into a SweepSpec: a tree of configurations
// (the sweep's settings; nested optimizer, model, data, ... configurations)
// whose settings are fixed values, axes (`lr in [...]`), or choices between
// alternative configurations (`optimizer in [sgd(...), adam(...)]`), plus the
// `where` constraints. Every setting has a dotted path such as `optimizer.lr`.
//
// Scopes organize the grid: the sweep's settings form scope 0, the cartesian
// product of its factors. A choice with several alternatives is one factor of
// its scope and gives each alternative a scope of its own, so the grid is a sum
// of products. A factor is one axis, several zipped axes, or a choice.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_SWEEPSPEC_H
#define SWEEP_LANG_SWEEPSPEC_H

#include "lang/AST.h"
#include "lang/Value.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/StringSaver.h"

#include <string>
#include <vector>

namespace sweep {

/// How a path's values are typed, for `where` expressions.
enum class ValueType { Number, Bool, Symbol, String };

struct SettingEntry {
  enum class Kind { Fixed, Axis, Choice };
  llvm::StringRef name;
  llvm::SMLoc loc;
  Kind kind = Kind::Fixed;
  Value value;     // Fixed.
  int index = -1;  // Axis or Choice id.
  int pathId = -1; // Into SweepSpec::paths.
  bool isDefault = false;
};

/// A configuration: the sweep itself, `sgd(lr in [...])`, `mlp(width 64)`, `fashion`.
struct ConfigNode {
  llvm::StringRef family; // "sweep", "optimizer", "model", "dataset", ...
  llvm::StringRef kind;   // "sgd", a model or dataset name, ...
  llvm::StringRef source; // For datasets: the data source kind, e.g. "fashion_mnist".
  llvm::SMLoc loc;
  const ModelDecl *model = nullptr; // For the model family.
  std::vector<SettingEntry> settings;

  const SettingEntry *lookup(llvm::StringRef name) const;
};

struct Axis {
  int pathId = -1;
  llvm::SMLoc loc;
  std::vector<Value> values;
  int scope = 0;
};

struct Choice {
  int pathId = -1;
  llvm::SMLoc loc;
  std::vector<ConfigNode> alternatives;
  /// The scope of each alternative; the choice's own scope when there is one alternative.
  std::vector<int> alternativeScopes;
};

struct Factor {
  enum class Kind { Axes, Choice };
  Kind kind = Kind::Axes;
  std::vector<int> axes; // One axis, or several zipped ones of equal length.
  int choice = -1;
};

struct Scope {
  std::vector<Factor> factors;
};

struct PathInfo {
  std::string path;
  ValueType type = ValueType::Number;
  bool structural = false;
  bool varies = false; // Set by an axis or a choice with several alternatives.
  /// An axis of this path is logspace(...) or loguniform(...): plots put it on
  /// a log axis (summary.json's log_scale).
  bool logScale = false;
  /// Alternatives give this path different types (`w: float` in one model,
  /// `w: int` in another); `where` cannot use it.
  bool mixedTypes = false;
};

/// A `where` condition with its names bound to paths.
struct Constraint {
  const Expr *condition = nullptr;
  llvm::SMLoc loc;
  /// Names in `condition` that refer to settings; other names are symbol literals.
  llvm::DenseMap<const NameExpr *, int> boundPaths;
};

struct SweepSpec {
  std::string name;
  llvm::SMLoc loc;
  ConfigNode root;
  std::vector<Axis> axes;
  std::vector<Choice> choices;
  std::vector<Scope> scopes;
  std::vector<Constraint> constraints;
  std::vector<PathInfo> paths;
  llvm::StringMap<int> pathIds;
  std::vector<std::string> metrics;
  llvm::SMLoc reportLoc; // The `report` clause, or the sweep when there is none.
  bool reportWritten = false; // The file has a `report` clause.
  /// Metrics in `metrics` only because the prune rule compares runs on them
  /// (Sema::reportPruneMetric): the prune rule's errors speak for them.
  std::vector<std::string> metricsForPrune;

  /// Slots of a run's index vector: one per axis, then one per choice.
  size_t getNumSlots() const { return axes.size() + choices.size(); }
  size_t getChoiceSlot(int choice) const { return axes.size() + choice; }

  /// Owns the strings Values point at.
  llvm::BumpPtrAllocator allocator;
  llvm::UniqueStringSaver strings{allocator};

  SweepSpec() = default;
  SweepSpec(const SweepSpec &) = delete;
  SweepSpec &operator=(const SweepSpec &) = delete;
};

/// Every value a setting path can take in some run: its fixed values and its
/// axes' values, in every alternative of every choice.
inline void collectPossibleValues(const SweepSpec &spec, const ConfigNode &node, int pathId,
                                  std::vector<Value> &values) {
  for (const SettingEntry &entry : node.settings) {
    if (entry.pathId == pathId && entry.kind == SettingEntry::Kind::Fixed)
      values.push_back(entry.value);
    if (entry.pathId == pathId && entry.kind == SettingEntry::Kind::Axis)
      values.insert(values.end(), spec.axes[entry.index].values.begin(),
                    spec.axes[entry.index].values.end());
    if (entry.kind == SettingEntry::Kind::Choice)
      for (const ConfigNode &alternative : spec.choices[entry.index].alternatives)
        collectPossibleValues(spec, alternative, pathId, values);
  }
}

inline std::vector<Value> possibleValues(const SweepSpec &spec, int pathId) {
  std::vector<Value> values;
  collectPossibleValues(spec, spec.root, pathId, values);
  return values;
}

} // namespace sweep

#endif // SWEEP_LANG_SWEEPSPEC_H
