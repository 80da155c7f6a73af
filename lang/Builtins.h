//===- Builtins.h - the settings a .sweep file can use ----------*- C++ -*-===//
//
// Tables of every configurable thing: the sweep's own settings, data sources,
// optimizers, schedules, initializers, early stopping and energy metering.
// Each kind lists its parameters with type, default, valid range and whether
// the parameter is structural (changes shapes or the op graph, so it splits the
// sweep into groups) or numeric (a per-run value inside one group).
// Sema checks settings against these tables generically; docs/language.md
// documents the same tables.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_BUILTINS_H
#define SWEEP_LANG_BUILTINS_H

#include "lang/Value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cmath>
#include <optional>
#include <vector>

namespace sweep {

/// What a parameter accepts.
struct ParamType {
  enum class Kind {
    Int,
    Float,
    Bool,
    Symbol,          // One of `symbols`.
    String,
    CountOrFraction, // An integer count, or a number in [0, 1).
    IntOrString,     // A column index or a column name.
    Config,          // A nested configuration of `family`: `sgd(lr 0.1)`, `fashion`.
  };
  Kind kind = Kind::Int;
  double min = -HUGE_VAL, max = HUGE_VAL; // Unbounded unless set.
  bool minExclusive = false, maxExclusive = false;
  std::vector<llvm::StringRef> symbols;
  llvm::StringRef family; // For Config.
  /// A number training uses as float32 (the optimizer's): its float32
  /// rounding must be in range too (a beta of 0.99999999999 is 1.0f, and
  /// Adam's bias correction 1 - beta^t is then 0).
  bool float32 = false;
  /// ... and finite there: an eps of 1e39 is an infinity, which stops every
  /// update without a word (a huge lr, by contrast, diverges and says so).
  bool finiteInFloat32 = false;

  ParamType inFloat32() const {
    ParamType t = *this;
    t.float32 = true;
    return t;
  }
  ParamType finiteAsFloat32() const {
    ParamType t = inFloat32();
    t.finiteInFloat32 = true;
    return t;
  }

  static ParamType integer(double min, double max) {
    ParamType t;
    t.kind = Kind::Int;
    t.min = min;
    t.max = max;
    return t;
  }
  static ParamType number(double min, double max, bool minExclusive = false,
                          bool maxExclusive = false) {
    ParamType t;
    t.kind = Kind::Float;
    t.min = min;
    t.max = max;
    t.minExclusive = minExclusive;
    t.maxExclusive = maxExclusive;
    return t;
  }
  static ParamType boolean() {
    ParamType t;
    t.kind = Kind::Bool;
    return t;
  }
  static ParamType symbol(std::vector<llvm::StringRef> symbols) {
    ParamType t;
    t.kind = Kind::Symbol;
    t.symbols = std::move(symbols);
    return t;
  }
  static ParamType string() {
    ParamType t;
    t.kind = Kind::String;
    return t;
  }
  static ParamType countOrFraction() {
    ParamType t;
    t.kind = Kind::CountOrFraction;
    t.min = 0;
    return t;
  }
  static ParamType intOrString() {
    ParamType t;
    t.kind = Kind::IntOrString;
    t.min = 0;
    return t;
  }
  static ParamType config(llvm::StringRef family) {
    ParamType t;
    t.kind = Kind::Config;
    t.family = family;
    return t;
  }

  /// "an integer", "a number", "one of relu, tanh, ...".
  std::string describe() const;
  /// The range as text, for example "> 0" or "in [0, 1)"; empty if unbounded.
  std::string describeRange() const;
  bool inRange(double v) const;
};

/// One parameter of a kind (or one setting of the sweep itself).
struct ParamSpec {
  llvm::StringRef name;
  ParamType type;
  /// The default; for Config parameters a Symbol naming the default kind.
  /// None with `required` false means the setting is simply absent.
  Value defaultValue;
  bool required = false;
  /// For a Config parameter: whether the choice of kind splits groups.
  bool structural = false;
  llvm::StringRef help;
};

/// A kind within a family: `sgd` among optimizers, `spirals` among data sources.
struct KindSpec {
  llvm::StringRef name;
  std::vector<ParamSpec> params;
  llvm::StringRef help;

  const ParamSpec *lookup(llvm::StringRef param) const;
};

/// A family of kinds: "optimizer", "schedule", "init", "source" (data sources),
/// "early_stop", "energy", and "sweep" whose only kind holds the sweep's settings.
struct FamilySpec {
  llvm::StringRef name;
  std::vector<KindSpec> kinds;

  const KindSpec *lookup(llvm::StringRef kind) const;
  std::vector<llvm::StringRef> kindNames() const;
};

/// The family named `name`, or null. "model" and "dataset" are not here: their
/// kinds are the file's own declarations.
const FamilySpec *lookupFamily(llvm::StringRef name);

/// The layers and activations usable in a model body.
llvm::ArrayRef<llvm::StringRef> getActivationNames();
bool isActivation(llvm::StringRef name);

/// The metrics `report` accepts.
llvm::ArrayRef<llvm::StringRef> getMetricNames();

/// The axis generators usable after `in`.
llvm::ArrayRef<llvm::StringRef> getAxisGeneratorNames();

/// Upper bounds that keep hostile input from exhausting memory or time.
constexpr int64_t kMaxAxisValues = 1000000;
constexpr int64_t kMaxRuns = 10000000;
/// Run groups of one sweep: each is a program compiled and trained on its
/// own (a second or more each), and planning costs about a kilobyte and
/// 10 us a group; 9 million groups took `check` minutes and 11.5 GB.
constexpr int64_t kMaxRunGroups = 100000;
/// Layers of one model (dense, activation and dropout each count): compiling a
/// group takes time that grows faster than its depth (9 s for 201 layers, 46 s
/// for 511 on the 2-core machine: docs/performance.md, "Compile time and
/// depth"); the cap keeps a group's compile within about a minute.
constexpr int64_t kMaxModelLayers = 512;
/// Statements a model's body may execute (repeat included).
constexpr int64_t kMaxModelSteps = 1000000;
/// Model statements run over all of a sweep's run groups (each group's model
/// is run once, with its values): about ten seconds.
constexpr int64_t kMaxSweepModelSteps = 100000000;
/// Operators and operands of the 'where' clauses times the grid's runs.
constexpr double kMaxWhereEvaluations = 2e8;
constexpr int64_t kMaxLayerWidth = 1 << 24;
constexpr int64_t kMaxModelParameters = 1000000000000; // 4 TB of float32 per run.

} // namespace sweep

#endif // SWEEP_LANG_BUILTINS_H
